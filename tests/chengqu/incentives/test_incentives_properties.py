"""Properties of the engines: awards monotone in the amount, caps respected, m² and 亩 agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from chengqu.incentives import evaluate, quote_farmland_fee

AS_OF = date(2024, 7, 15)

# Amounts in fen up to 20亿 yuan, as exact Decimals.
money = st.integers(min_value=0, max_value=200_000_000_000).map(lambda fen: Decimal(fen) / 100)
growth = st.integers(min_value=-1000, max_value=2000).map(lambda tenths: Decimal(tenths) / 10)

SINGLE_AMOUNT_FACTS = {
    1: "q1_investment",
    2: "new_project_total_investment",
    7: "below_scale_industrial_q1_revenue",
    8: "specialized_pool_rd_q1",
    16: "award_winner_sales_h1",
}
AMOUNT_WITH_GROWTH = {
    3: ("other_service_revenue_jan_feb", "other_service_growth_jan_feb"),
    6: ("industrial_annual_output", "industrial_q1_growth"),
    12: ("lodging_catering_revenue_h1", "lodging_catering_growth_h1"),
    13: ("online_retail_sales_h1", "online_retail_growth_h1"),
}


def amount(facts: dict[str, object], measure: int) -> Decimal:
    return sum(
        (a.amount for a in evaluate(facts, AS_OF).awards if a.measure == measure), Decimal(0)
    )


@given(st.sampled_from(sorted(SINGLE_AMOUNT_FACTS)), money, money)
def test_a_larger_amount_never_earns_less_within_a_measure(
    measure: int, a: Decimal, b: Decimal
) -> None:
    fact = SINGLE_AMOUNT_FACTS[measure]
    low, high = sorted((a, b))
    assert amount({fact: low}, measure) <= amount({fact: high}, measure)


@given(st.sampled_from(sorted(AMOUNT_WITH_GROWTH)), money, money, growth, growth)
def test_more_revenue_or_more_growth_never_earns_less(
    measure: int, a: Decimal, b: Decimal, g: Decimal, h: Decimal
) -> None:
    value_fact, growth_fact = AMOUNT_WITH_GROWTH[measure]
    low, high = sorted((a, b))
    slow, fast = sorted((g, h))
    # growth values in (-1, 1) are asked about (unit unclear), so keep them out of this property
    if -1 < slow < 1 or -1 < fast < 1:
        return
    assert amount({value_fact: low, growth_fact: slow}, measure) <= amount(
        {value_fact: high, growth_fact: slow}, measure
    )
    assert amount({value_fact: low, growth_fact: slow}, measure) <= amount(
        {value_fact: low, growth_fact: fast}, measure
    )


@given(
    st.lists(
        st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100),
        min_size=1,
        max_size=8,
    )
)
def test_store_awards_grow_with_each_store_area(areas: list[Decimal]) -> None:
    bigger = [a + 50 for a in areas]
    assert amount({"new_chain_store_areas": areas}, 11) <= amount(
        {"new_chain_store_areas": bigger}, 11
    )


@given(money)
def test_measure_1_never_pays_more_than_150k(investment: Decimal) -> None:
    paid = amount({"q1_investment": investment}, 1)
    assert paid <= Decimal(150000)
    assert paid == paid.quantize(Decimal("0.01"))


@given(
    money, st.integers(min_value=30, max_value=500), st.integers(min_value=100_000, max_value=10**7)
)
def test_measure_10_never_pays_more_than_100k_nor_more_than_the_costs(
    costs: Decimal, firms: int, views: int
) -> None:
    facts = {
        "promotion_online_sales": "5000000",
        "promotion_firms": firms,
        "promotion_views": views,
        "promotion_costs": costs,
    }
    paid = amount(facts, 10)
    assert paid <= min(costs, Decimal(100000))


travel_group = st.fixed_dictionaries(
    {
        "guests": st.integers(min_value=0, max_value=3000),
        "nights": st.integers(min_value=0, max_value=10),
        "scenic_spots": st.integers(min_value=0, max_value=6),
        "district_hotel": st.booleans(),
    }
)


@given(st.lists(travel_group, max_size=12))
def test_measure_15_never_pays_more_than_200k_nor_80_yuan_per_guest(
    groups: list[dict[str, object]],
) -> None:
    paid = amount({"travel_groups": groups}, 15)
    assert paid <= Decimal(200000)
    assert paid <= 80 * sum(int(g["guests"]) for g in groups)  # type: ignore[call-overload]


@given(
    st.lists(st.sampled_from(sorted(SINGLE_AMOUNT_FACTS.values())), unique=True, min_size=1),
    money,
)
def test_the_total_is_the_sum_of_the_awards(facts: list[str], value: Decimal) -> None:
    result = evaluate(dict.fromkeys(facts, value), AS_OF)
    assert result.total == sum((a.amount for a in result.awards), Decimal(0))


grades = st.integers(min_value=7, max_value=12)


@given(grades, st.integers(min_value=1, max_value=10**8))
def test_square_metres_and_mu_give_the_same_fee(grade: int, square_metres: int) -> None:
    # n m² is exactly 15n/10000 亩, a terminating decimal: both inputs describe the same land
    mu = Decimal(square_metres * 15) / 10000
    by_m2 = quote_farmland_fee(grade=grade, area_m2=square_metres, on=AS_OF)
    by_mu = quote_farmland_fee(grade=grade, area_mu=mu, on=AS_OF)
    assert by_m2.value.fee == by_mu.value.fee
    assert by_m2.value.area_mu == Fraction(mu)


@given(grades, st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_the_fee_grows_with_the_area(grade: int, a: int, b: int) -> None:
    low, high = sorted((a, b))
    fee = [quote_farmland_fee(grade=grade, area_m2=x, on=AS_OF).value.fee for x in (low, high)]
    assert fee[0] <= fee[1]


@given(grades, st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**8))
def test_a_trading_price_never_brings_the_fee_below_the_standard(
    grade: int, square_metres: int, price_fen: int
) -> None:
    standard = quote_farmland_fee(grade=grade, area_m2=square_metres, on=AS_OF).value.fee
    traded = quote_farmland_fee(
        grade=grade, area_m2=square_metres, trade_price=Decimal(price_fen) / 100, on=AS_OF
    )
    assert traded.value.fee >= standard
