"""The relation graph and status on a day, at its boundaries."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.data import read_gazette_issue
from chengqu.gazette import (
    Document,
    ParseResult,
    RelationKind,
    Status,
    parse_issue,
    relations,
    repeal_dates,
    status_at,
)


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_issue(read_gazette_issue("gazette-2024-1.txt"))


def doc(result: ParseResult, number: str) -> Document:
    return next(d for d in result.documents if d.number == number)


def test_graph_has_repeals_cites_attachments_and_stubs(result: ParseResult) -> None:
    graph = relations(result.documents)
    repeals = [(e.source, e.target) for e in graph.edges if e.kind == RelationKind.REPEALS]
    assert repeals == [
        ("城政办发〔2024〕2号", "城政办发〔2016〕80号"),
        ("城政办发〔2024〕8号", "城政办发〔2019〕40号"),
        ("城政发〔2024〕1号", "城政发〔2020〕15号"),
    ]
    stub = graph.node("国发〔2023〕18号")
    assert stub is not None
    assert stub.stub
    assert stub.title == "国务院关于开展第四次全国文物普查的通知"
    own = graph.node("城政办发〔2024〕6号")
    assert own is not None
    assert not own.stub
    attached = graph.incoming("城政办发〔2024〕1号", RelationKind.ATTACHMENT_OF)
    assert [e.source for e in attached] == ["城政办发〔2024〕1号!att_1"]
    assert len([e for e in graph.edges if e.kind == RelationKind.ATTACHMENT_OF]) == 8
    assert [e.source for e in graph.incoming("城政发〔2020〕15号", RelationKind.REPEALS)] == [
        "城政发〔2024〕1号"
    ]


def test_repeal_dates_come_from_the_repealer(result: ParseResult) -> None:
    dates = repeal_dates(result.documents)
    assert dates["城政发〔2020〕15号"] == date(2024, 3, 1)  # the day 城政发〔2024〕1号 takes effect
    assert dates["城政办发〔2016〕80号"] == date(2024, 1, 24)


def test_status_boundaries_of_a_five_year_measure(result: ParseResult) -> None:
    opinion = doc(result, "城政发〔2024〕1号")  # 从2024年3月1日起施行, 有效期五年
    assert status_at(opinion, date(2024, 2, 29)) == Status.NOT_YET
    assert status_at(opinion, date(2024, 3, 1)) == Status.IN_FORCE
    assert status_at(opinion, date(2029, 2, 28)) == Status.IN_FORCE
    assert status_at(opinion, date(2029, 3, 1)) == Status.EXPIRED
    assert status_at(opinion, date(2025, 1, 1), repealed_on=date(2025, 1, 1)) == Status.REPEALED
    assert status_at(opinion, date(2024, 12, 31), repealed_on=date(2025, 1, 1)) == Status.IN_FORCE
    # repealed after it had already expired: it expired first
    assert status_at(opinion, date(2030, 1, 1), repealed_on=date(2029, 6, 1)) == Status.EXPIRED


def test_status_of_a_stub_repealed_by_the_issue(result: ParseResult) -> None:
    dates = repeal_dates(result.documents)
    old = dataclasses.replace(
        doc(result, "城政发〔2024〕1号"),
        number="城政发〔2020〕15号",
        effective_date=date(2020, 5, 1),
        expiry_date=None,
    )
    assert status_at(old, date(2024, 2, 29), repeals=dates) == Status.IN_FORCE
    assert status_at(old, date(2024, 3, 1), repeals=dates) == Status.REPEALED


def test_a_document_without_an_effective_date_starts_on_its_signing(result: ParseResult) -> None:
    reply = doc(result, "城政发〔2024〕2号")  # 批复, signed 2024-02-02, no 施行 clause
    assert status_at(reply, date(2024, 2, 1)) == Status.NOT_YET
    assert status_at(reply, date(2024, 2, 2)) == Status.IN_FORCE
    measures = doc(result, "城政办发〔2024〕5号")  # 有效期至2024年6月30日
    assert status_at(measures, date(2024, 6, 30)) == Status.IN_FORCE
    assert status_at(measures, date(2024, 7, 1)) == Status.EXPIRED


@given(offset=st.integers(min_value=-4000, max_value=4000))
def test_status_is_one_of_four_and_monotone(result: ParseResult, offset: int) -> None:
    opinion = doc(result, "城政发〔2024〕1号")
    day = date(2024, 3, 1) + timedelta(days=offset)
    status = status_at(opinion, day)
    expected = (
        Status.NOT_YET
        if offset < 0
        else (Status.IN_FORCE if day <= date(2029, 2, 28) else Status.EXPIRED)
    )
    assert status == expected
