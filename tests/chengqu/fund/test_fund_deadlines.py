"""Deadlines: the bank's sign-off (第十五条), renewal (第十七条), use and overdue (第十条)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError, WorkdayCalendar, is_workday
from chengqu.fund import (
    RenewalStatus,
    bank_liability,
    check_renewal,
    check_signoff,
    default_exclusion,
    ensure_signoff,
    latest_signoff_date,
    overdue_days,
    recall_on_misuse,
    renewal_deadlines,
    use_deadline,
)

# ---------------------------------------------------------------- sign-off


def test_the_issue_example_across_national_day_2024() -> None:
    decision = latest_signoff_date(date(2024, 10, 14))
    assert decision.value == date(2024, 9, 25)
    assert decision.citations[0].clause == "art_15"


@pytest.mark.parametrize(
    ("maturity", "latest"),
    [
        # 2025 National Day: 10-01..08 off, 09-28 (Sun) and 10-11 (Sat) worked
        (date(2025, 10, 13), date(2025, 9, 23)),
        # 2025 Spring Festival: 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked
        (date(2025, 2, 10), date(2025, 1, 21)),
        # 2026 Spring Festival: 02-15..23 off, 02-14 (Sat) worked
        (date(2026, 2, 24), date(2026, 2, 3)),
        # 2024 Dragon Boat Festival: Monday 06-10 off
        (date(2024, 6, 17), date(2024, 5, 31)),
        # an ordinary fortnight: two weekends skipped
        (date(2024, 7, 15), date(2024, 7, 1)),
    ],
)
def test_the_latest_sign_date_across_holidays_and_adjusted_days(
    maturity: date, latest: date
) -> None:
    assert latest_signoff_date(maturity).value == latest


def test_signing_on_the_latest_day_is_in_time() -> None:
    check = check_signoff(date(2024, 9, 25), date(2024, 10, 14))
    assert check.ok
    assert check.working_days_before == 10
    assert check.as_dict()["latest_sign_date"] == "2024-09-25"


def test_signing_a_day_late_is_refused_with_the_latest_date() -> None:
    check = check_signoff(date(2024, 9, 26), date(2024, 10, 14))
    assert not check.ok
    assert check.working_days_before == 9
    assert "2024-09-25" in check.message
    with pytest.raises(DomainError) as caught:
        ensure_signoff(date(2024, 9, 26), date(2024, 10, 14))
    assert caught.value.code == "fund.signoff_late"
    assert "2024-09-25" in caught.value.message


def test_signing_early_on_a_weekend_is_in_time() -> None:
    check = ensure_signoff(date(2024, 9, 22), date(2024, 10, 14))  # a Sunday
    assert check.ok
    assert (
        check.working_days_before == 12
    )  # 09-23..27, 09-29 (adjusted), 09-30, 10-08..11, 10-12 (adjusted)


def test_signing_on_or_after_maturity_is_late() -> None:
    check = check_signoff(date(2024, 10, 15), date(2024, 10, 14))
    assert not check.ok
    assert check.working_days_before < 0


def test_a_signature_before_the_banfa_took_effect_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        check_signoff(date(2024, 4, 3), date(2024, 5, 20))
    assert caught.value.code == "fund.not_in_force"
    assert caught.value.field == "signed"


def test_a_maturity_whose_deadline_precedes_the_banfa_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        latest_signoff_date(date(2024, 4, 10))
    assert caught.value.code == "fund.not_in_force"
    assert "2024-04-05" in caught.value.message


def test_a_maturity_in_a_year_the_calendar_does_not_know_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        latest_signoff_date(date(2027, 6, 30))
    assert caught.value.code == "calendar.year_unknown"


def test_a_deadline_after_the_banfa_expires_says_so() -> None:
    calendar = WorkdayCalendar.from_toml(
        '[year.2029]\nsource = "test"\nholidays = ["2029-04-04", "2029-04-05"]\n'
    )
    decision = latest_signoff_date(date(2029, 4, 30), calendar=calendar)
    assert decision.value == date(2029, 4, 16)
    assert "2029-04-04" in decision.notes[-1]
    assert [c.clause for c in decision.citations] == ["art_15", "art_26"]


MATURITIES = st.dates(min_value=date(2024, 5, 1), max_value=date(2026, 12, 31))


@given(MATURITIES)
def test_the_sign_date_is_a_working_day_ten_working_days_before(maturity: date) -> None:
    latest = latest_signoff_date(maturity).value
    assert is_workday(latest)
    worked = [latest + timedelta(days=i) for i in range((maturity - latest).days)]
    assert sum(1 for day in worked if is_workday(day)) == 10
    assert check_signoff(latest, maturity).ok
    assert check_signoff(latest, maturity).working_days_before == 10
    assert not check_signoff(latest + timedelta(days=1), maturity).ok


# ---------------------------------------------------------------- use and overdue (第十条)


def test_the_use_deadline_is_twenty_days_after_disbursement() -> None:
    assert use_deadline(date(2024, 5, 6)).value == date(2024, 5, 26)


@pytest.mark.parametrize(
    ("on", "late"),
    [(date(2024, 5, 6), 0), (date(2024, 5, 26), 0), (date(2024, 5, 27), 1), (date(2024, 6, 5), 10)],
)
def test_overdue_days_count_past_the_twentieth_day(on: date, late: int) -> None:
    decision = overdue_days(disbursed=date(2024, 5, 6), on=on)
    assert decision.value == late
    assert decision.citations[0].clause == "art_10"


def test_overdue_before_disbursement_is_refused() -> None:
    with pytest.raises(DomainError):
        overdue_days(disbursed=date(2024, 5, 6), on=date(2024, 5, 5))


# ---------------------------------------------------------------- renewal (第十七条)


def test_renewal_within_five_days_at_most_twenty() -> None:
    decision = renewal_deadlines(date(2024, 5, 6))
    assert decision.value == (date(2024, 5, 11), date(2024, 5, 26))
    assert decision.citations[0].clause == "art_17"


@pytest.mark.parametrize(
    ("renewed", "on", "status", "late"),
    [
        (date(2024, 5, 11), date(2024, 6, 1), RenewalStatus.ON_TIME, 0),
        (date(2024, 5, 12), date(2024, 6, 1), RenewalStatus.LATE, 0),
        (date(2024, 5, 26), date(2024, 6, 1), RenewalStatus.LATE, 0),
        (date(2024, 5, 27), date(2024, 6, 1), RenewalStatus.OVERDUE, 1),
        (None, date(2024, 5, 11), RenewalStatus.PENDING, 0),
        (None, date(2024, 5, 12), RenewalStatus.PENDING_LATE, 0),
        (None, date(2024, 5, 29), RenewalStatus.OVERDUE, 3),
    ],
)
def test_renewal_status(renewed: date | None, on: date, status: RenewalStatus, late: int) -> None:
    check = check_renewal(received=date(2024, 5, 6), renewed_on=renewed, on=on)
    assert check.status is status
    assert check.overdue_days == late
    assert check.in_time == (status in (RenewalStatus.ON_TIME, RenewalStatus.LATE))


# ---------------------------------------------------------------- bank liability (第二十四条)

PRINCIPAL = "1000000"
DISBURSED = date(2024, 5, 6)


def test_a_bank_that_did_not_renew_repays_principal_and_fee() -> None:
    liability = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=None,
        renewed_amount=0,
        repaid=0,
        on=date(2024, 5, 30),
    )
    assert liability.liable
    assert liability.amount == Decimal("1004800.00")  # 24 days × 200
    assert liability.citations[0].clause == "art_24"


def test_a_short_renewal_makes_the_bank_liable_for_what_is_unpaid() -> None:
    liability = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=date(2024, 5, 10),
        renewed_amount="600000",
        repaid="600000",
        on=date(2024, 5, 27),
    )
    assert liability.liable
    assert liability.amount == Decimal("404200.00")
    assert any("未足额" in reason for reason in liability.reasons)


def test_a_bank_that_renewed_on_time_and_in_full_is_not_liable() -> None:
    liability = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=date(2024, 5, 20),
        renewed_amount="1000000",
        repaid=0,
        on=date(2024, 6, 10),
    )
    assert not liability.liable
    assert liability.amount == 0


@pytest.mark.parametrize(("agreed", "qualified"), [(False, True), (True, False)])
def test_without_agreement_or_a_qualified_borrower_the_bank_is_not_liable(
    agreed: bool, qualified: bool
) -> None:
    liability = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=agreed,
        borrower_qualified=qualified,
        renewed_on=None,
        renewed_amount=0,
        repaid=0,
        on=date(2024, 6, 10),
    )
    assert not liability.liable


def test_no_liability_while_the_renewal_period_runs_or_once_repaid() -> None:
    running = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=None,
        renewed_amount=0,
        repaid=0,
        on=date(2024, 5, 20),
    )
    assert not running.liable
    repaid = bank_liability(
        principal=PRINCIPAL,
        disbursed=DISBURSED,
        bank_agreed=True,
        borrower_qualified=True,
        renewed_on=date(2024, 5, 28),
        renewed_amount="1000000",
        repaid="1004400",
        on=date(2024, 5, 28),
    )
    assert not repaid.liable


# ---------------------------------------------------------------- misuse (第二十三条)


def test_misuse_recalls_the_loan_with_fee_to_date_and_excludes_the_borrower() -> None:
    recall = recall_on_misuse(
        principal="1000000", disbursed=date(2024, 5, 6), found=date(2024, 5, 10)
    )
    assert recall.due == Decimal("1000800.00")
    assert recall.exclusion.clause == "art_14__subpara_3"
    assert recall.exclusion.since == date(2024, 5, 10)
    assert [c.clause for c in recall.citations][:2] == ["art_23", "art_14__subpara_3"]


def test_a_default_is_recorded_under_article_fourteen_two() -> None:
    record = default_exclusion(since=date(2024, 6, 1), owes_fees=True)
    assert (record.clause, record.reason) == ("art_14__subpara_2", "owes_fees")
