"""The fund's own money: size (第七条), risk reserve (第二十五条), management cap (第十一条), ledger."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.fund import (
    allocate_reserve,
    check_management_expense,
    ensure_management_expense,
    explain_reserve,
    fund_size,
    management_cost_cap,
    quote_fee,
    reserve_cap,
)
from chengqu.fund.ledger import (
    Account,
    Posting,
    Transaction,
    available,
    balances,
    disbursement,
    repayment,
    reserve_allocation,
)

PAID_IN = Decimal("80000000")


def test_the_fund_is_eighty_million_for_now() -> None:
    decision = fund_size()
    assert decision.value == Decimal("80000000")
    assert decision.citations[0].clause == "art_7"


def test_the_reserve_takes_ten_percent_of_fee_income() -> None:
    assert allocate_reserve("10000.00", PAID_IN, "0") == Decimal("1000.00")
    assert explain_reserve("10000.00", PAID_IN, "0").citations[0].clause == "art_25"


def test_the_last_allocation_is_partial_and_stops_at_twenty_percent() -> None:
    assert reserve_cap(PAID_IN) == Decimal("16000000")
    assert allocate_reserve("12345.67", PAID_IN, "15999000") == Decimal("1000.00")
    decision = explain_reserve("12345.67", PAID_IN, "15999000")
    assert "部分提取" in decision.notes[0]


def test_no_allocation_once_the_reserve_reaches_twenty_percent() -> None:
    assert allocate_reserve("10000", PAID_IN, "16000000") == 0
    assert allocate_reserve("10000", PAID_IN, "17000000") == 0  # never negative
    assert "暂不再计提" in explain_reserve("10000", PAID_IN, "16000000").notes[0]


def test_the_ten_percent_share_rounds_half_up_and_the_room_rounds_down() -> None:
    assert allocate_reserve("0.05", PAID_IN, "0") == Decimal("0.01")  # 0.005 → 0.01
    assert allocate_reserve("0.25", PAID_IN, "0") == Decimal("0.03")  # 0.025 → 0.03, not 0.02
    # paid-in 0.05 → cap 0.01; paid-in 0.07 → cap 0.014, room 0.01 not 0.014 → never above the cap
    assert allocate_reserve("100", "0.07", "0") == Decimal("0.01")


def test_negative_or_sub_fen_inputs_are_refused() -> None:
    with pytest.raises(DomainError):
        allocate_reserve("-1", PAID_IN, "0")
    with pytest.raises(DomainError):
        allocate_reserve("1", PAID_IN, "0.001")


MONEY = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000000"), places=2)


@given(MONEY, MONEY, MONEY)
def test_the_reserve_never_passes_its_cap_nor_ten_percent(
    fee: Decimal, paid_in: Decimal, current: Decimal
) -> None:
    amount = allocate_reserve(fee, paid_in, current)
    assert amount >= 0
    assert amount <= (fee * Decimal("0.1")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if current <= paid_in * Decimal("0.2"):
        assert current + amount <= paid_in * Decimal("0.2")
    else:
        assert amount == 0
    assert amount.as_tuple().exponent == -2


@given(st.lists(MONEY, min_size=1, max_size=30), MONEY)
def test_allocations_accumulate_up_to_the_cap_and_no_further(
    fees: list[Decimal], paid_in: Decimal
) -> None:
    reserve = Decimal("0.00")
    for fee in fees:
        reserve += allocate_reserve(fee, paid_in, reserve)
        assert reserve <= paid_in * Decimal("0.2")


# ---------------------------------------------------------------- management expenses (第十一条)


def test_the_management_cap_is_twenty_percent_rounded_down() -> None:
    assert management_cost_cap("100000") == Decimal("20000.00")
    assert management_cost_cap("12345.67") == Decimal("2469.13")  # 2469.134


def test_spending_exactly_the_cap_is_allowed_and_a_fen_more_is_refused() -> None:
    check = ensure_management_expense(year_fee_income="100000", spent="15000", proposed="5000")
    assert check.ok
    assert check.remaining == 0
    assert check.citations[0].clause == "art_11"
    refused = check_management_expense(year_fee_income="100000", spent="15000", proposed="5000.01")
    assert not refused.ok
    with pytest.raises(DomainError) as caught:
        ensure_management_expense(year_fee_income="100000", spent="15000", proposed="5000.01")
    assert caught.value.code == "fund.management_cap"
    assert "5000.00" in caught.value.message  # what could still be spent


@given(MONEY)
def test_the_management_cap_never_passes_twenty_percent(income: Decimal) -> None:
    cap = management_cost_cap(income)
    assert 0 <= income * Decimal("0.2") - cap < Decimal("0.01")


# ---------------------------------------------------------------- ledger

DAY = date(2024, 5, 6)


def capital(amount: Decimal) -> Transaction:
    return Transaction(
        "capital:1", DAY, (Posting(Account.BANK, amount), Posting(Account.CAPITAL, -amount))
    )


def test_an_unbalanced_transaction_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        Transaction(
            "x",
            DAY,
            (Posting(Account.BANK, Decimal("1.00")), Posting(Account.CAPITAL, Decimal("-0.99"))),
        )
    assert caught.value.code == "fund.ledger_unbalanced"


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("0.001")])
def test_zero_or_sub_fen_legs_are_refused(amount: Decimal) -> None:
    with pytest.raises(DomainError):
        Transaction("x", DAY, (Posting(Account.BANK, amount), Posting(Account.CAPITAL, -amount)))


def test_a_retried_posting_is_refused_not_counted_twice() -> None:
    tx = disbursement("loan-1:disburse", DAY, Decimal("100.00"))
    with pytest.raises(DomainError) as caught:
        balances([capital(PAID_IN), tx, tx])
    assert caught.value.code == "fund.ledger_duplicate"


def test_a_loan_lifecycle_balances_and_explains_every_yuan() -> None:
    quote = quote_fee(principal="5000000", disbursed=DAY, repaid=DAY + timedelta(days=10))
    txs = [
        capital(PAID_IN),
        disbursement("loan-1:disburse", DAY, quote.principal),
        repayment("loan-1:repay", quote),
    ]
    totals = balances(txs)
    reserve = reserve_allocation("loan-1:reserve", quote.repaid, quote.fee, totals)
    assert reserve.value is not None
    txs.append(reserve.value)
    totals = balances(txs)
    assert sum(totals.values()) == 0
    assert totals[Account.LOANS] == 0
    assert totals[Account.BANK] == PAID_IN + Decimal("10000.00")
    assert totals[Account.RESERVE] == Decimal("-1000.00")
    assert totals[Account.FEE_INCOME] == Decimal("-9000.00")
    assert available(totals) == PAID_IN + Decimal("9000.00")
