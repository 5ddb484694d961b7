from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError, format_yuan, from_fen, from_wan, round_fen, to_fen, yuan

AMOUNTS = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=4, allow_nan=False
)


def test_half_a_fen_rounds_up_not_to_even():
    # Python's and Django's default would give 0.12 (half to even).
    assert round_fen("0.125") == Decimal("0.13")
    assert round_fen("0.135") == Decimal("0.14")
    assert round_fen("-0.125") == Decimal("-0.13")


def test_rounding_once_differs_from_rounding_daily():
    # 3,333,333.33 × 0.2‰ × 13 days: rounding each day's fee would drift by 4 fen.
    principal = yuan("3333333.33")
    once = round_fen(principal * Decimal("0.0002") * 13)
    daily = sum(round_fen(principal * Decimal("0.0002")) for _ in range(13))
    assert once == Decimal("8666.67")
    assert daily == Decimal("8666.71")


def test_floats_are_refused():
    with pytest.raises(DomainError) as caught:
        yuan(0.1)  # type: ignore[arg-type]
    assert caught.value.code == "money.float"


def test_amounts_are_read_from_strings_with_separators():
    assert yuan("1,234,567.89") == Decimal("1234567.89")
    assert yuan(" 12 ") == Decimal(12)


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "NaN", "Infinity"])
def test_unreadable_amounts_are_refused(bad):
    with pytest.raises(DomainError):
        yuan(bad)


def test_wan_yuan_converts_exactly():
    assert from_wan("5000") == Decimal("50000000")
    assert from_wan("0.5") == Decimal("5000")


def test_amounts_are_shown_with_separators_and_two_decimals():
    assert format_yuan("1234567.895") == "1,234,567.90"


@given(AMOUNTS)
def test_fen_round_trip_is_exact_after_one_rounding(amount):
    assert from_fen(to_fen(amount)) == round_fen(amount)


@given(AMOUNTS)
def test_rounding_moves_an_amount_by_at_most_half_a_fen(amount):
    assert abs(round_fen(amount) - amount) <= Decimal("0.005")
