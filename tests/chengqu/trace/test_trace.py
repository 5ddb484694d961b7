"""The trace is built from the rule tables' own citations: every one names a real clause, and
taking a citation away turns its clause into a gap."""

from __future__ import annotations

from functools import cache

import pytest

from chengqu.command.levels import animal_levels, hq_part
from chengqu.data import gazette_issue_names, read_gazette_issue
from chengqu.gazette import Clause, Document, parse_issue
from chengqu.trace import (
    ClauseIndex,
    Site,
    build_trace,
    needs_execution,
    rule_sites,
    sites_of_table,
)

AIR = "城政办发〔2024〕1号"
FUND = "城政办发〔2024〕6号"
HQS = "城政办发〔2024〕8号"


@cache
def documents() -> tuple[Document, ...]:
    return tuple(
        d for name in gazette_issue_names() for d in parse_issue(read_gazette_issue(name)).documents
    )


def document(number: str) -> Document:
    return next(d for d in documents() if d.number == number)


def test_every_citation_of_every_rule_table_names_a_clause_of_its_document():
    """A typo in a table's clause, or a row citing the wrong document, fails here."""
    trace = build_trace(documents(), rule_sites())
    unresolved = [
        f"{site.where}: {doc.number} {part}"
        for doc in trace.documents
        for site, part in doc.unresolved
    ]
    assert unresolved == []
    assert set(trace.external) == {"HJ 633-2012", "HJ 633—2026", "GB/T 35965.1-2018"}


@pytest.mark.parametrize(
    ("number", "ref", "eids"),
    [
        (AIR, "3.2", ("sec_3__subsec_2",)),
        (AIR, "4.2.1(1)①", ("sec_4__subsec_2__subsec_1__point_1__subpoint_1",)),
        (AIR, "3.1（2）", ("sec_3__subsec_1__point_2",)),
        (AIR, "3.2、3.3", ("sec_3__subsec_2", "sec_3__subsec_3")),
        (HQS, "二(一)2", ("para_2__subpara_1__item_2",)),
    ],
)
def test_a_clause_is_found_by_its_printed_number(number, ref, eids):
    found = ClauseIndex(document(number)).resolve(ref)
    assert (found.eids, found.unresolved) == (eids, ())


def test_an_article_is_found_by_its_eid_without_the_chapter():
    index = ClauseIndex(document(FUND))
    (eid,) = index.resolve("art_10").eids
    assert eid.endswith("__art_10")
    assert index.label(eid) == "第十条"


def test_a_name_two_clauses_share_resolves_to_nothing():
    """(1) is under 3.1, 4.1, 4.2.1 …: a bare (1) is refused, never guessed."""
    assert ClauseIndex(document(AIR)).resolve("(1)").unresolved == ("(1)",)


def test_a_series_names_every_clause_it_fits():
    found = ClauseIndex(document(HQS)).resolve("二{n}3")
    assert len(found.eids) == 17  # each specialised HQ's 3. 指挥部办公室及职责
    assert all(e.startswith("para_2__subpara_") and e.endswith("__item_3") for e in found.eids)


def test_taking_a_citation_away_makes_its_clause_a_gap_and_adding_it_back_executes_it():
    table = {
        "document": {"number": AIR},
        "level": [{"label": "红色预警", "clause": "3.1(1)"}],
    }
    fixture = sites_of_table("fixture", table)
    others = [s for s in rule_sites() if not (s.document == AIR and "3.1" in s.clause)]
    eid = "sec_3__subsec_1__point_1"

    def status(sites):
        (doc,) = build_trace([document(AIR)], sites).documents
        return next(c for c in doc.clauses if c.eid == eid)

    without = status(others)
    assert without.status == "gap"  # its words carry the AQI thresholds and hours
    with_it = status([*others, *fixture])
    assert with_it.status == "executed"
    assert [(s.table, s.path, s.label) for s in with_it.executed_by] == [
        ("fixture", "level[0].clause", "红色预警")
    ]


def test_a_clause_written_with_its_own_document_is_cited_there():
    table = {"document": {"number": HQS}, "route": [{"plan_clause": f"{AIR} 1.4"}]}
    (site,) = sites_of_table("fixture", table)
    assert (site.document, site.clause) == (AIR, "1.4")


def test_the_decisions_cite_the_document_their_rows_name():
    """The HQ scope rows are 8号's, the animal levels 2号's, though the table is 7号's."""
    assert {c.document for c in hq_part("earthquake", "一般").citations} == {HQS}
    assert {level.citation.document for level in animal_levels()} == {"城政办发〔2024〕2号"}


def test_a_module_page_executes_the_part_it_names_with_everything_under_it():
    ledger = Site("城政办发〔2024〕9号", "att_1", "模块", "任务台账", "任务台账", scope="part")
    (doc,) = build_trace([document("城政办发〔2024〕9号")], [ledger]).documents
    in_attachment = [c for c in doc.clauses if c.executed_by == [ledger]]
    assert len(in_attachment) > 100
    assert doc.gaps == []


def test_the_registry_executes_the_clause_that_says_when_a_document_takes_effect():
    """2号 7.5: 自印发之日起实施 … 城政办发〔2016〕80号 同时废止 — read by the parser."""
    (doc,) = build_trace([document("城政办发〔2024〕2号")], []).documents
    (clause,) = [c for c in doc.clauses if c.label == "7.5"]
    assert clause.status == "executed"
    assert [s.table for s in clause.executed_by] == ["公报库"]
    assert "废止关系" in clause.executed_by[0].path


@pytest.mark.parametrize(
    ("words", "decides"),
    [
        ("应在2小时内报告", True),
        ("管理费用原则上不超过20%", True),
        ("AQI指数为201—300", True),
        ("单笔10万元以上", True),
        ("推动规模以上企业安全生产标准化", False),
        ("应重点做好以下工作:", False),
        ("2024年1月19日发生火灾, 造成13名儿童死亡", False),
    ],
)
def test_a_gap_is_a_clause_whose_words_decide_something(words, decides):
    clause = Clause(eid="para_1", kind="para", num="一、", heading=None, text=words)
    assert needs_execution(clause) is decides


@pytest.mark.parametrize("words", ["日 AQI > 150 持续48小时及以上", "连续3天", "AQI≥201"])
def test_a_threshold_or_a_duration_decides(words):
    assert needs_execution(Clause(eid="x", kind="para", num=None, heading=None, text=words))
