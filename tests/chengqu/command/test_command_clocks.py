"""Reporting clocks: each limit with its clause, aware Shanghai deadlines, late marking, content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.command.clocks import (
    Anchor,
    Deadline,
    clock_rules,
    linked_clocks,
    missing_content,
    report_deadlines,
    required_content,
)
from chengqu.common import SHANGHAI, DomainError
from chengqu.data import read_gazette_issue

GAZETTE = "".join(read_gazette_issue("gazette-2024-1.txt").split())
T0 = datetime(2024, 6, 1, 9, 0, tzinfo=SHANGHAI)


def by_key(deadlines: list[Deadline]) -> dict[str, Deadline]:
    return {d.key: d for d in deadlines}


def test_every_clock_quotes_the_gazette_word_for_word() -> None:
    for rule in clock_rules():
        quoted = "".join(rule.citation.text.split())
        assert quoted in GAZETTE, rule.key


@pytest.mark.parametrize(
    ("key", "minutes", "clause", "anchor"),
    [
        ("water.report_up", 30, "4.1", Anchor.OCCURRED),
        ("water.initial_phone", 30, "4.2", Anchor.OCCURRED),
        ("water.initial_written", 60, "4.2", Anchor.OCCURRED),
        ("water.found", 0, "4.1", Anchor.DISCOVERED),
        ("animal.office_report", 30, "3.3.3", Anchor.OFFICE_RECEIVED),
        ("animal.found", 0, "3.3.3", Anchor.DISCOVERED),
        ("animal.suspected", 0, "3.3.3", Anchor.SUSPECTED),
    ],
)
def test_each_clock_has_its_limit_anchor_and_clause(
    key: str, minutes: int, clause: str, anchor: Anchor
) -> None:
    rule = next(r for r in clock_rules() if r.key == key)
    assert rule.within == timedelta(minutes=minutes)
    assert rule.citation.clause == clause
    assert rule.anchor is anchor
    assert rule.immediate == (minutes == 0)


def test_water_source_deadlines_from_the_moment_it_happened() -> None:
    deadlines = by_key(report_deadlines("饮用水水源地突发环境事件", "Ⅱ", T0))
    assert deadlines["water.report_up"].due == T0 + timedelta(minutes=30)
    assert deadlines["water.report_up"].recipients == ("区委", "区政府", "上级有关部门")
    assert deadlines["water.initial_phone"].due == T0 + timedelta(minutes=30)
    assert deadlines["water.initial_written"].due == T0 + timedelta(hours=1)
    assert deadlines["water.initial_written"].form == "书面"
    assert deadlines["water.found"].due == T0
    assert deadlines["water.found"].immediate
    assert deadlines["water.follow_up"].due is None
    assert deadlines["water.final"].due is None
    assert "water.red_warning_notice" not in deadlines  # Ⅰ only


def test_level_one_adds_the_red_warning_and_the_request() -> None:
    deadlines = by_key(report_deadlines("plan_water_source", "I", T0))
    assert deadlines["water.red_warning_notice"].due == T0
    assert deadlines["water.request_level_one"].recipients == ("上级应急指挥机构",)


def test_without_a_level_level_bound_clocks_wait_with_a_note() -> None:
    deadlines = by_key(report_deadlines("饮用水水源地", None, T0))
    assert deadlines["water.red_warning_notice"].due is None
    assert any("Ⅰ级" in n for n in deadlines["water.red_warning_notice"].notes)


def test_the_final_report_is_due_when_handling_ends() -> None:
    ended = T0 + timedelta(days=2)
    deadlines = by_key(report_deadlines("饮用水水源地", "Ⅱ", T0, anchors={"handling_ended": ended}))
    assert deadlines["water.final"].due == ended
    assert deadlines["water.final"].required_content[0] == "处理措施"


def test_animal_office_has_thirty_minutes_from_receiving_the_report() -> None:
    received = T0 + timedelta(hours=3)
    deadlines = by_key(
        report_deadlines("突发重大动物疫情", "Ⅲ", T0, anchors={"office_received": received})
    )
    office = deadlines["animal.office_report"]
    assert office.due == received + timedelta(minutes=30)
    assert office.recipients == (
        "区委",
        "区政府",
        "市农业农村局",
        "市重大动物疫情应急指挥部办公室",
        "区应急救援总指挥部办公室",
    )
    assert office.citation.document == "城政办发〔2024〕2号"
    assert office.notes == ()


def test_animal_anchor_not_given_defaults_to_the_start_and_says_so() -> None:
    office = by_key(report_deadlines("动物疫情", None, T0))["animal.office_report"]
    assert office.due == T0 + timedelta(minutes=30)
    assert any("从严" in n for n in office.notes)


def test_samples_go_up_the_confirmation_chain() -> None:
    rule = next(r for r in clock_rules() if r.key == "animal.samples")
    assert rule.chain == ("市畜牧兽医服务中心", "省动物疫病预防控制中心", "国家参考实验室")


def test_the_limit_itself_is_on_time_one_second_later_is_late() -> None:
    deadline = by_key(report_deadlines("饮用水水源地", "Ⅱ", T0))["water.initial_phone"]
    assert not deadline.is_late(T0 + timedelta(minutes=30))
    assert deadline.is_late(T0 + timedelta(minutes=30, seconds=1))
    # the same instant in UTC is judged the same
    assert not deadline.is_late((T0 + timedelta(minutes=30)).astimezone(UTC))


def test_an_open_clock_cannot_judge_lateness() -> None:
    deadline = by_key(report_deadlines("饮用水水源地", "Ⅱ", T0))["water.final"]
    with pytest.raises(DomainError):
        deadline.is_late(T0)


def test_heavy_pollution_clocks_are_linked_to_the_air_module_not_copied() -> None:
    with pytest.raises(DomainError) as caught:
        report_deadlines("重污染天气", None, T0)
    assert caught.value.code == "command.clocks_elsewhere"
    assert "air_plan" in caught.value.message
    assert [c.clause for c in linked_clocks()] == ["3.2"]


def test_types_without_gazette_clocks_are_refused_clearly() -> None:
    with pytest.raises(DomainError) as caught:
        report_deadlines("地震", None, T0)
    assert caught.value.code == "command.clocks_not_in_gazette"


def test_bad_input_is_refused() -> None:
    with pytest.raises(DomainError):
        report_deadlines("饮用水水源地", "Ⅲ", T0)  # the water plan has Ⅱ and Ⅰ only
    with pytest.raises(DomainError):
        report_deadlines("饮用水水源地", "Ⅱ", datetime(2024, 6, 1, 9, 0))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(DomainError):
        report_deadlines("饮用水水源地", "Ⅱ", T0, anchors={"received": T0 - timedelta(hours=1)})
    with pytest.raises(DomainError):
        report_deadlines("饮用水水源地", "Ⅱ", T0, anchors={"whenever": T0})
    with pytest.raises(DomainError):
        report_deadlines("", "Ⅱ", T0)


def test_required_content_and_what_is_missing() -> None:
    items, citation = required_content("initial")
    assert len(items) == 9
    assert citation.clause == "4.2"
    missing = missing_content("animal", ["疫情发生的时间", "地点"]).value
    assert "联系方式" in missing
    assert "地点" not in missing
    assert missing_content("initial", items).value == ()
    for key in ("initial", "follow_up", "final", "animal"):
        quoted = "".join(required_content(key)[1].text.split())
        assert quoted in GAZETTE


moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([SHANGHAI, UTC]),
)


@given(
    moments,
    st.sampled_from(["饮用水水源地", "突发重大动物疫情"]),
    st.sampled_from([None, "Ⅰ", "Ⅱ"]),
)
def test_deadlines_are_aware_shanghai_and_not_before_the_start(
    start: datetime, kind: str, level: str | None
) -> None:
    for deadline in report_deadlines(kind, level, start):
        if deadline.due is None:
            continue
        assert deadline.due.tzinfo is SHANGHAI
        assert deadline.due >= start
        assert deadline.anchor_at is not None
        assert deadline.due - deadline.anchor_at <= timedelta(hours=1)
