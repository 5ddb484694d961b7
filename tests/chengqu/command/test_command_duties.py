"""Recurring duties of 城政发〔2024〕5号 (二十八)(二十九) and the plans, with due dates."""

from __future__ import annotations

from datetime import date

import pytest

from chengqu.command.duties import Every, duties, next_due
from chengqu.common import DomainError
from chengqu.data import read_gazette_issue

GAZETTE = "".join(read_gazette_issue("gazette-2024-1.txt").split())


def test_every_duty_quotes_the_gazette() -> None:
    for duty in duties():
        for part in duty.citation.text.split("……"):
            assert "".join(part.split()) in GAZETTE, duty.key


def test_the_district_drill_is_due_within_each_calendar_year() -> None:
    never = next_due("district_drill", None, today=date(2024, 3, 9))
    assert never.value.due == date(2024, 12, 31)
    assert not never.value.overdue
    assert never.citations[0].clause == "(二十八)"
    done = next_due("district_drill", date(2024, 6, 1), today=date(2024, 7, 1))
    assert done.value.due == date(2025, 12, 31)
    missed = next_due("district_drill", date(2023, 6, 1), today=date(2025, 1, 2))
    assert missed.value.due == date(2025, 12, 31)


def test_the_water_drill_missed_last_year_is_overdue_only_after_year_end() -> None:
    assert not next_due("water_drill", None, today=date(2024, 12, 31)).value.overdue


def test_revisions_every_three_years_from_the_plan_or_the_last_revision() -> None:
    assert next_due("water_revision", None, today=date(2024, 4, 1)).value.due == date(2027, 3, 15)
    assert next_due("air_revision", None, today=date(2027, 1, 15)).value.overdue
    assert next_due("air_revision", date(2026, 2, 1), today=date(2027, 1, 15)).value.due == date(
        2029, 2, 1
    )


def test_duty_and_unquantified_duties_have_no_date() -> None:
    duty = next_due("duty_24h", None, today=date(2024, 3, 9))
    assert duty.value.due is None
    assert duty.citations[0].clause == "(二十九)"
    assert next_due("enterprise_evacuation_drills", None, today=date(2024, 3, 9)).value.due is None
    kinds = {d.key: d.every for d in duties()}
    assert kinds["animal_revision"] is Every.UNQUANTIFIED


def test_bad_input() -> None:
    with pytest.raises(DomainError):
        next_due("district_drill", date(2025, 1, 1), today=date(2024, 1, 1))
    with pytest.raises(DomainError):
        next_due("no_such_duty", None, today=date(2024, 1, 1))
