"""Recurring obligations: per month / year met, open or missed, at the periods' edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.supervision import PeriodStatus, compliance, obligation, obligations

MEETING = "safety_committee_meeting"
DRILL = "district_drill"


def _by_label(results):
    return {p.label: p for p in results}


def test_the_three_duties_the_issue_names_are_tracked_with_their_frequency() -> None:
    duties = {o.key: o for o in obligations()}
    assert (duties[MEETING].every, duties[MEETING].at_least) == ("month", 1)
    assert (
        duties["department_head_inspection"].every,
        duties["department_head_inspection"].at_least,
    ) == ("month", 1)
    assert (duties[DRILL].every, duties[DRILL].at_least) == ("year", 1)
    assert "区应急管理局" in duties[MEETING].units
    with pytest.raises(DomainError) as err:
        obligation("no_such_duty")
    assert err.value.code == "schedule.obligation"


def test_a_meeting_on_the_last_day_of_march_counts_for_march_not_april() -> None:
    o = obligation(MEETING)
    got = _by_label(compliance(o, [date(2024, 3, 31)], today=date(2024, 5, 2)))
    assert got["2024年3月"].status is PeriodStatus.MET
    assert got["2024年4月"].status is PeriodStatus.MISSED
    assert got["2024年5月"].status is PeriodStatus.OPEN
    assert "2024年6月" not in got  # not yet begun


def test_a_meeting_on_the_first_of_april_counts_for_april() -> None:
    got = _by_label(compliance(obligation(MEETING), [date(2024, 4, 1)], today=date(2024, 5, 1)))
    assert got["2024年3月"].status is PeriodStatus.MISSED
    assert got["2024年4月"].status is PeriodStatus.MET


def test_a_month_is_missed_only_after_its_last_day() -> None:
    o = obligation(MEETING)
    assert (
        _by_label(compliance(o, [], today=date(2024, 4, 30)))["2024年4月"].status
        is PeriodStatus.OPEN
    )
    assert (
        _by_label(compliance(o, [], today=date(2024, 5, 1)))["2024年4月"].status
        is PeriodStatus.MISSED
    )


def test_the_first_period_is_the_month_the_notice_took_effect_and_the_last_is_december() -> None:
    results = compliance(obligation(MEETING), [], today=date(2025, 6, 1))
    assert (results[0].start, results[-1].due) == (date(2024, 3, 1), date(2024, 12, 31))
    assert len(results) == 10
    assert all(p.status is PeriodStatus.MISSED for p in results)


def test_the_yearly_drill_is_open_all_year_and_missed_from_new_year() -> None:
    o = obligation(DRILL)
    assert compliance(o, [], today=date(2024, 12, 31))[0].status is PeriodStatus.OPEN
    (year,) = compliance(o, [], today=date(2025, 1, 1))
    assert (year.label, year.status) == ("2024年", PeriodStatus.MISSED)
    assert compliance(o, [date(2024, 12, 31)], today=date(2025, 1, 1))[0].status is PeriodStatus.MET


def test_twice_a_month_needs_two() -> None:
    o = obligation("group_company_inspection")
    got = _by_label(compliance(o, [date(2024, 4, 3)], today=date(2024, 6, 1)))
    assert (got["2024年4月"].done, got["2024年4月"].status) == (1, PeriodStatus.MISSED)
    got = _by_label(compliance(o, [date(2024, 4, 3), date(2024, 4, 30)], today=date(2024, 6, 1)))
    assert got["2024年4月"].status is PeriodStatus.MET


def test_a_window_narrows_to_the_periods_it_overlaps() -> None:
    results = compliance(
        obligation(MEETING),
        [],
        today=date(2025, 1, 1),
        start=date(2024, 6, 15),
        end=date(2024, 7, 10),
    )
    assert [p.label for p in results] == ["2024年6月", "2024年7月"]


@given(
    st.lists(st.dates(min_value=date(2024, 3, 1), max_value=date(2024, 12, 31)), max_size=30),
    st.dates(min_value=date(2024, 3, 1), max_value=date(2025, 3, 1)),
)
def test_every_recorded_day_is_counted_in_exactly_one_period(days: list[date], today: date) -> None:
    results = compliance(obligation(MEETING), days, today=today)
    # a day counts once, in its own month, as soon as that month has begun
    assert sum(p.done for p in results) == sum(1 for d in days if date(d.year, d.month, 1) <= today)
    for p in results:
        assert (p.status is PeriodStatus.MET) == (p.done >= 1)
        if p.status is PeriodStatus.MISSED:
            assert today >= p.due + timedelta(days=1)
