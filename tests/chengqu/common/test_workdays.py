from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError, WorkdayCalendar, add_workdays, is_workday, workdays_before
from chengqu.common.workdays import default_calendar

KNOWN_DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 6, 30))


def test_an_adjusted_sunday_is_a_working_day():
    # 2024-02-04 is a Sunday made a working day for the Spring Festival (调休).
    assert date(2024, 2, 4).weekday() == 6
    assert is_workday(date(2024, 2, 4))


def test_national_day_is_not_a_working_day():
    assert not is_workday(date(2024, 10, 1))
    assert not is_workday(date(2024, 10, 7))


def test_tenth_working_day_before_a_maturity_crosses_national_day():
    # Counting back from 2024-10-14 (excluded): 10-12 (adjusted Saturday), 10-11, 10-10, 10-09,
    # 10-08, [10-01..07 holiday], 09-30, 09-29 (adjusted Sunday), 09-27, 09-26, 09-25.
    assert workdays_before(date(2024, 10, 14), 10) == date(2024, 9, 25)


def test_a_year_the_calendar_does_not_know_is_refused_not_guessed():
    with pytest.raises(DomainError) as caught:
        is_workday(date(2099, 3, 2))
    assert caught.value.code == "calendar.year_unknown"
    assert "2099" in caught.value.message


def test_counting_into_an_unknown_year_is_refused():
    with pytest.raises(DomainError) as caught:
        add_workdays(date(2026, 12, 20), 30)
    assert caught.value.code == "calendar.year_unknown"


def test_the_current_year_is_covered():
    # Each year's schedule arrives in the autumn before; this fails when the package falls behind.
    assert default_calendar().knows(2026)


OVERRIDE_2099 = """
[year.2099]
source = "test notice"
holidays = ["2099-01-01", "2099-01-02"]
workdays = ["2099-01-03"]
"""


def test_an_override_table_supplies_a_newly_announced_year():
    calendar = WorkdayCalendar.from_toml(OVERRIDE_2099)
    assert calendar.knows(2099)
    assert not calendar.is_workday(date(2099, 1, 1))  # a Thursday made a holiday
    assert calendar.is_workday(date(2099, 1, 3))  # a Saturday made a working day
    assert not calendar.is_workday(date(2099, 1, 4))  # an ordinary Sunday
    assert calendar.is_workday(date(2099, 1, 5))  # an ordinary Monday


def test_an_override_file_extends_the_calendar(tmp_path):
    path = tmp_path / "calendar.toml"
    path.write_text(OVERRIDE_2099, encoding="utf-8")
    calendar = default_calendar().with_file(path)
    assert calendar.is_workday(date(2024, 2, 4))  # the package's years still answer
    assert calendar.is_workday(date(2099, 1, 3))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[year.2099]\nholidays = ["2098-12-31"]', "其他年份"),
        ('[year.2099]\nholidays = ["2099-01-05"]\nworkdays = ["2099-01-05"]', "同时"),
        ('[year.2099]\nholidays = ["not a date"]', "格式错误"),
    ],
)
def test_a_bad_override_table_is_refused_with_a_reason(text, fragment):
    with pytest.raises(DomainError) as caught:
        WorkdayCalendar.from_toml(text)
    assert caught.value.code == "calendar.override_invalid"
    assert fragment in caught.value.message


def test_a_missing_override_file_is_a_clear_error(tmp_path):
    with pytest.raises(DomainError) as caught:
        default_calendar().with_file(tmp_path / "absent.toml")
    assert caught.value.code == "calendar.override_unreadable"


def test_zero_working_days_from_a_holiday_is_an_error_not_the_holiday():
    with pytest.raises(DomainError):
        add_workdays(date(2024, 10, 1), 0)
    assert add_workdays(date(2024, 10, 8), 0) == date(2024, 10, 8)


def test_a_datetime_is_refused_where_a_date_is_meant():
    from datetime import datetime

    from chengqu.common import SHANGHAI

    with pytest.raises(DomainError):
        is_workday(datetime(2024, 3, 1, 9, tzinfo=SHANGHAI))


@given(KNOWN_DAYS, st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_away(start, n):
    calendar = default_calendar()
    end = calendar.add_workdays(start, n)
    assert end > start
    assert calendar.is_workday(end)
    assert calendar.workdays_between(start, end) == n
    # Nothing closer would do: the day before the result is still short of n.
    assert calendar.workdays_between(start, end - timedelta(days=1)) == n - 1


@given(KNOWN_DAYS, st.integers(min_value=1, max_value=60))
def test_counting_back_leaves_exactly_n_working_days_before_the_day(day, n):
    calendar = default_calendar()
    earlier = calendar.workdays_before(day, n)
    one = timedelta(days=1)
    assert calendar.is_workday(earlier)
    # Working days in [earlier, day): exactly n, the day itself excluded.
    assert calendar.workdays_between(earlier - one, day - one) == n
    assert calendar.add_workdays(earlier, n) >= day


@given(KNOWN_DAYS, KNOWN_DAYS)
def test_workdays_between_is_antisymmetric(a, b):
    calendar = default_calendar()
    assert calendar.workdays_between(a, b) == -calendar.workdays_between(b, a)
