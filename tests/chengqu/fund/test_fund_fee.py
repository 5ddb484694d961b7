"""The occupation fee: principal × 0.2‰ × days, 算头不算尾, rounded once to the fen."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.fund import check_charge, check_in_force, quote_fee

D0 = date(2024, 5, 6)


def test_the_cli_example_of_the_issue() -> None:
    quote = quote_fee(
        principal=Decimal("5000000"), disbursed=date(2024, 5, 6), repaid=date(2024, 5, 16)
    )
    body = quote.as_dict()
    assert (body["days"], body["fee"], body["over_limit"]) == (10, "10000.00", False)
    assert body["citations"][0]["clause"] == "art_10"
    assert quote.total_due == Decimal("5010000.00")


def test_a_same_day_repayment_pays_one_day() -> None:
    quote = quote_fee(principal="1000000", disbursed=D0, repaid=D0)
    assert quote.elapsed_days == 0
    assert quote.days == 1
    assert quote.fee == Decimal("200.00")
    assert any("最低" in note for note in quote.notes)


def test_one_day_counts_the_first_day_not_the_last() -> None:
    quote = quote_fee(principal="1000000", disbursed=D0, repaid=D0 + timedelta(days=1))
    assert (quote.elapsed_days, quote.days, quote.fee) == (1, 1, Decimal("200.00"))


def test_twenty_days_is_within_the_limit() -> None:
    quote = quote_fee(principal="1000000", disbursed=D0, repaid=D0 + timedelta(days=20))
    assert quote.days == 20
    assert quote.fee == Decimal("4000.00")
    assert not quote.over_limit
    assert quote.overdue_days == 0


def test_twenty_one_days_is_over_the_limit_and_still_charged() -> None:
    quote = quote_fee(principal="1000000", disbursed=D0, repaid=D0 + timedelta(days=21))
    assert quote.over_limit
    assert quote.overdue_days == 1
    assert quote.fee == Decimal("4200.00")
    assert quote.as_dict()["over_limit"] is True


def test_half_a_fen_rounds_up_not_to_even() -> None:
    # 25 × 0.0002 × 1 = 0.005: half up gives 0.01, banker's rounding would give 0.00
    assert quote_fee(principal="25", disbursed=D0, repaid=D0 + timedelta(days=1)).fee == Decimal(
        "0.01"
    )
    # 125 × 0.0002 × 1 = 0.025: half up gives 0.03, banker's rounding 0.02
    assert quote_fee(principal="125", disbursed=D0, repaid=D0 + timedelta(days=1)).fee == Decimal(
        "0.03"
    )


@pytest.mark.parametrize(
    ("principal", "days", "fee"),
    [("3333333.33", 13, "8666.67"), ("1234567.89", 20, "4938.27")],
)
def test_rounding_once_does_not_drift_like_rounding_daily(
    principal: str, days: int, fee: str
) -> None:
    quote = quote_fee(principal=principal, disbursed=D0, repaid=D0 + timedelta(days=days))
    assert quote.fee == Decimal(fee)


def test_repayment_before_disbursement_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        quote_fee(principal="100", disbursed=D0, repaid=D0 - timedelta(days=1))
    assert caught.value.code == "fund.repaid_before_disbursed"
    assert caught.value.field == "repaid"


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        (0.5, "money.float"),
        ("0", "fund.amount"),
        ("-5", "fund.amount"),
        ("100.001", "fund.amount_precision"),
        ("abc", "money.invalid"),
    ],
)
def test_a_principal_that_is_not_an_amount_is_refused(principal: object, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        quote_fee(principal=principal, disbursed=D0, repaid=D0)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.field == "principal"


def test_a_datetime_is_not_a_date() -> None:
    from datetime import datetime

    from chengqu.common import SHANGHAI

    with pytest.raises(DomainError) as caught:
        quote_fee(principal="100", disbursed=datetime(2024, 5, 6, tzinfo=SHANGHAI), repaid=D0)
    assert caught.value.field == "disbursed"


# ---------------------------------------------------------------- validity (第二十六条)


def test_the_first_day_in_force_is_the_fifth_of_april_2024() -> None:
    assert check_in_force(date(2024, 4, 5)).value == date(2024, 4, 5)
    with pytest.raises(DomainError) as caught:
        quote_fee(principal="100", disbursed=date(2024, 4, 4), repaid=date(2024, 4, 10))
    assert caught.value.code == "fund.not_in_force"
    assert "2024-04-05" in caught.value.message


def test_the_last_day_in_force_is_the_fourth_of_april_2029() -> None:
    assert check_in_force(date(2029, 4, 4)).citations[0].clause == "art_26"
    with pytest.raises(DomainError) as caught:
        quote_fee(principal="100", disbursed=date(2029, 4, 5), repaid=date(2029, 4, 10))
    assert caught.value.code == "fund.expired"
    assert "2029-04-04" in caught.value.message


def test_a_loan_made_in_force_is_charged_after_the_banfa_expires() -> None:
    quote = quote_fee(principal="1000", disbursed=date(2029, 4, 4), repaid=date(2029, 4, 14))
    assert quote.fee == Decimal("2.00")


# ---------------------------------------------------------------- no other charge (第十条)


def test_only_the_occupation_fee_may_be_charged() -> None:
    assert check_charge("占用费").citations[0].clause == "art_10"
    for other in ("手续费", "服务费", "担保费", ""):
        with pytest.raises(DomainError) as caught:
            check_charge(other)
        assert caught.value.code == "fund.charge_forbidden"


# ---------------------------------------------------------------- properties

PRINCIPALS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80000000"), places=2)
DAYS = st.integers(min_value=1, max_value=60)
STARTS = st.dates(min_value=date(2024, 4, 5), max_value=date(2029, 4, 4))


@given(PRINCIPALS, DAYS, DAYS, STARTS)
def test_the_exact_fee_is_linear_in_days(principal: Decimal, a: int, b: int, start: date) -> None:
    fa = quote_fee(principal=principal, disbursed=start, repaid=start + timedelta(days=a)).exact_fee
    fb = quote_fee(principal=principal, disbursed=start, repaid=start + timedelta(days=b)).exact_fee
    fab = quote_fee(
        principal=principal, disbursed=start, repaid=start + timedelta(days=a + b)
    ).exact_fee
    assert fab == fa + fb


@given(PRINCIPALS, PRINCIPALS, DAYS)
def test_the_exact_fee_is_linear_in_principal(p: Decimal, q: Decimal, days: int) -> None:
    def exact(amount: Decimal) -> Decimal:
        return quote_fee(principal=amount, disbursed=D0, repaid=D0 + timedelta(days=days)).exact_fee

    assert exact(p + q) == exact(p) + exact(q)
    assert exact(p) == p * Decimal("0.0002") * days


@given(PRINCIPALS, st.integers(min_value=0, max_value=60))
def test_the_fee_is_rounded_once_within_half_a_fen(principal: Decimal, days: int) -> None:
    quote = quote_fee(principal=principal, disbursed=D0, repaid=D0 + timedelta(days=days))
    assert abs(quote.fee - quote.exact_fee) <= Decimal("0.005")
    assert quote.fee == quote.exact_fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert quote.fee.as_tuple().exponent == -2
    assert quote.days == max(days, 1)
    assert quote.over_limit == (days > 20)
