"""The rule table says what the 办法 says: quotes, clause ids, dates."""

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources

import pytest

from chengqu.common import DomainError
from chengqu.fund import citation, fund_rules, registry_eid
from chengqu.rules import load_table


@cache
def gazette_text() -> str:
    raw = resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
    return re.sub(r"\s+", "", raw)


def quoted_texts(node: object, path: str = "") -> list[tuple[str, str, str]]:
    """(path, clause, text) for every entry of the table that quotes the gazette."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("text") and isinstance(value, str):
                clause_key = key.replace("text", "clause")
                found.append(
                    (f"{path}.{key}", str(node.get(clause_key, node.get("clause", ""))), value)
                )
            else:
                found.extend(quoted_texts(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(quoted_texts(value, f"{path}[{index}]"))
    return found


def test_every_quoted_text_is_the_gazettes_own_wording() -> None:
    quotes = quoted_texts(load_table("fund_bridge_loan"))
    assert len(quotes) > 40
    body = gazette_text()
    for where, _clause, text in quotes:
        for piece in text.split("……"):
            assert re.sub(r"\s+", "", piece) in body, where


def test_every_cited_clause_exists_in_the_gazette_registry() -> None:
    from chengqu.gazette.model import walk_clauses
    from chengqu.gazette.parser import parse_issue

    raw = resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
    document = next(d for d in parse_issue(raw).documents if d.number == "城政办发〔2024〕6号")
    attachment = next(a for a in document.attachments if a.eid == fund_rules().attachment)
    registry = {c.eid: re.sub(r"\s+", "", c.text) for c in walk_clauses(attachment.clauses)}
    quotes = quoted_texts(load_table("fund_bridge_loan"))
    clauses = {clause for _where, clause, _text in quotes if clause}
    assert {"art_10", "art_15__subpara_1", "art_16__subpara_8", "art_25", "art_26"} <= clauses
    for clause in clauses:
        assert registry_eid(clause) in registry, clause
    # and the quote sits inside the clause it names
    for where, clause, text in quotes:
        if clause and "……" not in text:
            assert re.sub(r"\s+", "", text) in registry[registry_eid(clause)], where


def test_the_registry_agrees_on_the_period_of_validity() -> None:
    from chengqu.gazette.parser import parse_issue

    raw = resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
    document = next(d for d in parse_issue(raw).documents if d.number == "城政办发〔2024〕6号")
    rules = fund_rules()
    assert document.effective_date == rules.effective == date(2024, 4, 5)
    assert document.expiry_date == rules.expires == date(2029, 4, 4)


def test_five_years_from_the_fifth_of_april_end_on_the_fourth() -> None:
    rules = fund_rules()
    assert rules.validity_years == 5
    assert rules.expires == rules.effective.replace(year=rules.effective.year + 5) - timedelta(
        days=1
    )


def test_the_numbers_of_the_banfa() -> None:
    rules = fund_rules()
    assert rules.daily_rate == Decimal("0.0002")  # 日息按0.2‰
    assert rules.max_use_days == 20
    assert rules.signoff_workdays == 10
    assert (rules.renewal_target_days, rules.renewal_max_days) == (5, 20)
    assert rules.fund_size == Decimal("80000000")
    assert rules.management_share == Decimal("0.20")
    assert (rules.reserve_share, rules.reserve_cap_share) == (Decimal("0.10"), Decimal("0.20"))
    assert rules.min_fee_days == 1


def test_checklists_follow_the_articles_in_order() -> None:
    rules = fund_rules()
    assert [i.clause for i in rules.application_documents] == [
        f"art_15__subpara_{n}" for n in range(1, 6)
    ]
    assert [i.clause for i in rules.review_documents] == [
        f"art_16__subpara_{n}" for n in range(1, 9)
    ]


def test_citations_name_the_document_and_clause() -> None:
    cited = citation("reserve")
    assert cited.document == "城政办发〔2024〕6号"
    assert cited.clause == "art_25"
    assert "10%" in cited.text
    with pytest.raises(DomainError):
        citation("no_such_rule")


@pytest.mark.parametrize(
    ("clause", "eid"),
    [
        ("art_1", "chp_1__art_1"),
        ("art_10", "chp_2__art_10"),
        ("art_15__subpara_1", "chp_3__art_15__subpara_1"),
        ("art_25", "chp_4__art_25"),
        ("art_26", "chp_5__art_26"),
    ],
)
def test_registry_eids_add_the_chapter(clause: str, eid: str) -> None:
    assert registry_eid(clause) == eid


def test_an_article_the_banfa_does_not_have_is_refused() -> None:
    with pytest.raises(DomainError):
        registry_eid("art_27")
    with pytest.raises(DomainError):
        registry_eid("para_1")
