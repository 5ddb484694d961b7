"""The incentive rule tables quote the gazette verbatim and state their readings."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from chengqu.incentives import default_rules
from chengqu.rules import load_table


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


GAZETTE = _squash(
    resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
)


def _quoted(text: str) -> list[str]:
    """The verbatim pieces of a quotation, "…" marking an elision."""
    return [piece for piece in _squash(text).split("…") if piece]


def _texts() -> list[tuple[str, str]]:
    rules = default_rules()
    found = [(f"measure {m.number}", m.text) for m in rules.measures]
    found += [
        (f"measure {m.number} tier {t.name}", t.text) for m in rules.measures for t in m.tiers
    ]
    found.append(("closing", rules.stacking.text))
    farmland = load_table("incentives_farmland_fee")
    for section in ("scope", "exemption", "rates", "trade_price", "validity", "land_class"):
        found.append((section, str(farmland[section]["text"])))
    found += [("override", str(farmland["override"][k])) for k in ("special_text", "new_rule_text")]
    return found


@pytest.mark.parametrize(("where", "text"), _texts(), ids=[w for w, _ in _texts()])
def test_every_quoted_clause_is_verbatim_in_the_gazette(where: str, text: str) -> None:
    for piece in _quoted(text):
        assert piece in GAZETTE, f"{where}: {piece}"


def test_all_sixteen_measures_are_tabled_with_their_clause_ids() -> None:
    rules = default_rules()
    assert [m.number for m in rules.measures] == list(range(1, 17))
    assert all(m.clause == f"item_{m.number}" for m in rules.measures)


def test_every_lead_unit_is_marked_as_assumed_because_the_gazette_names_none() -> None:
    assert all(m.lead_unit and m.lead_unit_assumed for m in default_rules().measures)


def test_windows_end_within_the_validity_and_measures_expire_on_30_june_2024() -> None:
    rules = default_rules()
    assert str(rules.expires) == "2024-06-30"
    assert {m.window.label for m in rules.measures} == {
        "2024年一季度",
        "2024年1—2月",
        "2024年1—6月",
    }
    assert all(m.window.end <= m.valid_to for m in rules.measures)


def test_the_table_states_how_each_comparison_word_reads() -> None:
    readings = load_table("incentives_kaimenhong")["readings"]
    for word in ("以上", "以下", "以内", "超过", "超", "不满", "满"):
        assert word in readings
    assert "[a, b)" in readings["range"]


def test_the_one_off_measures_are_those_the_text_calls_one_off() -> None:
    one_off = {m.number for m in default_rules().measures if m.one_off}
    assert one_off == {
        m.number for m in default_rules().measures if "一次性" in m.text and m.kind != "guidance"
    }


def test_every_cited_clause_id_exists_in_the_gazette_registry() -> None:
    gazette = pytest.importorskip("chengqu.gazette")  # the registry lands in its own commit
    parse_issue = gazette.parse_issue
    text = (
        resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
    )
    documents = {d.number: d for d in parse_issue(text).documents}
    rules = default_rules()
    kaimenhong = {c.eid for c in documents[rules.document].all_clauses()}
    assert {m.clause for m in rules.measures} | {rules.stacking.clause} <= kaimenhong
    farmland = load_table("incentives_farmland_fee")
    cited = {
        str(v)
        for section in farmland.values()
        if isinstance(section, dict)
        for k, v in section.items()
        if k.endswith("clause")
    }
    assert cited <= {c.eid for c in documents[str(farmland["document"]["number"])].all_clauses()}
