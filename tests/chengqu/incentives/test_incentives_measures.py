"""Every measure of 城政办发〔2024〕5号 at, below and above each boundary, against its text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import pytest

from chengqu.incentives import Evaluation, evaluate

AS_OF = date(2024, 7, 15)  # after every window closed: final figures


def paid(facts: Mapping[str, object], measure: int) -> Decimal | None:
    """The amount measure ``measure`` pays for ``facts``, or None when it pays nothing."""
    result = evaluate(facts, AS_OF)
    amounts = [a.amount for a in result.awards if a.measure == measure]
    assert len(amounts) <= 1, "a measure pays at most one award per enterprise"
    assert not result.needs, result.needs
    return amounts[0] if amounts else None


def only(result: Evaluation, measure: int) -> Decimal | None:
    amounts = [a.amount for a in result.awards if a.measure == measure]
    return amounts[0] if amounts else None


# 1. "对2024年一季度在建项目,完成投资5000万元以上的,按投资额给予2‰的奖励,单个项目奖励最高不超过15万元。"
@pytest.mark.parametrize(
    ("investment", "expected"),
    [
        ("49999999.99", None),  # just below 5000万: 以上 includes 5000万 only
        ("50000000", Decimal("100000.00")),  # at 5000万 (以上 includes): 2‰ = 10万
        ("60000000", Decimal("120000.00")),
        ("61234567.89", Decimal("122469.14")),  # 122469.13578 rounded once, half up
        ("75000000", Decimal("150000.00")),  # 2‰ reaches the 15万 cap exactly
        ("75000000.01", Decimal("150000.00")),  # above: capped (最高不超过15万元)
        ("900000000", Decimal("150000.00")),
    ],
)
def test_measure_1_pays_two_per_mille_of_investment_from_50m_capped_at_150k(
    investment: str, expected: Decimal | None
) -> None:
    assert paid({"q1_investment": investment}, 1) == expected


# 2. "总投资为1—5亿元的,奖励5万元;总投资为5亿元及以上的,奖励10万元。" ("1—5亿元" = [1亿, 5亿))
@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("99999999.99", None),
        ("100000000", Decimal("50000.00")),
        ("499999999.99", Decimal("50000.00")),
        ("500000000", Decimal("100000.00")),  # 5亿元及以上: 5亿 belongs to the upper tier
        ("500000000.01", Decimal("100000.00")),
    ],
)
def test_measure_2_pays_50k_from_100m_and_100k_from_500m(
    total: str, expected: Decimal | None
) -> None:
    assert paid({"new_project_total_investment": total}, 2) == expected


# 3. "2024年1—2月营业收入在500万元以上且增速在20%—30%的,奖励2万元,增速在30%—40%的奖励3万元,
#     增速在40%及以上的,奖励5万元。"
@pytest.mark.parametrize(
    ("revenue", "growth", "expected"),
    [
        ("4999999.99", "45", None),  # the revenue floor binds every growth tier
        ("5000000", "19.99", None),
        ("5000000", "20", Decimal("20000.00")),
        ("5000000", "29.99", Decimal("20000.00")),
        ("5000000", "30", Decimal("30000.00")),  # 30 starts the next tier ([20, 30) then [30, 40))
        ("5000000", "39.99", Decimal("30000.00")),
        ("5000000", "40", Decimal("50000.00")),  # 40%及以上
        ("5000000.01", "150", Decimal("50000.00")),
    ],
)
def test_measure_3_pays_by_growth_band_for_service_firms_with_5m_revenue(
    revenue: str, growth: str, expected: Decimal | None
) -> None:
    facts = {"other_service_revenue_jan_feb": revenue, "other_service_growth_jan_feb": growth}
    assert paid(facts, 3) == expected


# 4. "2024年1—2月营业收入增速达5%、10%、15%及以上的,分别给予奖励2万元、3万元、5万元。"
@pytest.mark.parametrize(
    ("growth", "expected"),
    [
        ("4.99", None),
        ("5", Decimal("20000.00")),
        ("9.99", Decimal("20000.00")),
        ("10", Decimal("30000.00")),
        ("14.99", Decimal("30000.00")),
        ("15", Decimal("50000.00")),
        ("80", Decimal("50000.00")),
        ("-3", None),
    ],
)
def test_measure_4_pays_transport_firms_by_growth_reached(
    growth: str, expected: Decimal | None
) -> None:
    assert paid({"transport_growth_jan_feb": growth}, 4) == expected


# 5. "2024年一季度销售面积3000—5000m²的,奖励1万元;销售面积5000m²以上的,奖励3万元。"
@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("2999.99", None),
        ("3000", Decimal("10000.00")),
        ("4999.99", Decimal("10000.00")),
        ("5000", Decimal("30000.00")),  # 5000m²以上 includes 5000
        ("5000.01", Decimal("30000.00")),
    ],
)
def test_measure_5_pays_real_estate_firms_by_q1_sales_area(
    area: str, expected: Decimal | None
) -> None:
    assert paid({"real_estate_sales_area_q1": area}, 5) == expected


# 6. "全年工业总产值在0.2—1亿元的规上工业企业,2024年一季度同比增长30%以上的,奖励2万元;
#     全年工业总产值在1—5亿元的…同比增长20%以上的,奖励3万元;全年工业总产值在5亿元以上的…同比增长15%以上的,奖励5万元。"
@pytest.mark.parametrize(
    ("output", "growth", "expected"),
    [
        ("19999999.99", "60", None),  # below 0.2亿: no band
        ("20000000", "29.99", None),
        ("20000000", "30", Decimal("20000.00")),
        ("99999999.99", "30", Decimal("20000.00")),
        ("99999999.99", "25", None),  # the small band needs 30%
        ("100000000", "19.99", None),
        ("100000000", "20", Decimal("30000.00")),  # 1亿 opens the middle band
        ("499999999.99", "20", Decimal("30000.00")),
        ("499999999.99", "15", None),
        ("500000000", "14.99", None),
        ("500000000", "15", Decimal("50000.00")),  # 5亿元以上 includes 5亿
        ("3000000000", "40", Decimal("50000.00")),
    ],
)
def test_measure_6_pays_industry_by_output_band_and_its_growth_threshold(
    output: str, growth: str, expected: Decimal | None
) -> None:
    assert paid({"industrial_annual_output": output, "industrial_q1_growth": growth}, 6) == expected


# 7. "对2024年一季度营业收入达500万元以上的规模以下工业企业奖励3万元,达600万元以上的奖励5万元。"
@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ("4999999.99", None),
        ("5000000", Decimal("30000.00")),
        ("5999999.99", Decimal("30000.00")),
        ("6000000", Decimal("50000.00")),  # pays the higher tier only, not 3万 + 5万
        ("19000000", Decimal("50000.00")),
    ],
)
def test_measure_7_pays_below_scale_industry_once_at_its_highest_tier(
    revenue: str, expected: Decimal | None
) -> None:
    assert paid({"below_scale_industrial_q1_revenue": revenue}, 7) == expected


# 8. "2024年纳入区“专精特新”重点培育库的企业,一季度研发经费投入50万元以上的奖励2万元。"
@pytest.mark.parametrize(
    ("rd", "expected"),
    [("499999.99", None), ("500000", Decimal("20000.00")), ("500000.01", Decimal("20000.00"))],
)
def test_measure_8_pays_20k_for_500k_rd_spending(rd: str, expected: Decimal | None) -> None:
    assert paid({"specialized_pool_rd_q1": rd}, 8) == expected


# 10. "给予补贴,最高不超过10万元。线上促销活动单场销售额须在500万元以上且参与企业数量30家以上、浏览量10万次以上。"
ONLINE_OK = {"promotion_online_sales": "5000000", "promotion_firms": 30, "promotion_views": 100000}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, Decimal("80000.00")),  # every threshold met at its boundary: actual costs
        ({"promotion_online_sales": "4999999.99"}, None),
        ({"promotion_firms": 29}, None),
        ({"promotion_views": 99999}, None),
        (
            {
                "promotion_online_sales": "5000000.01",
                "promotion_firms": 31,
                "promotion_views": 100001,
            },
            Decimal("80000.00"),
        ),
        ({"promotion_costs": "100000"}, Decimal("100000.00")),
        ({"promotion_costs": "100000.01"}, Decimal("100000.00")),  # 最高不超过10万元
        ({"promotion_costs": "350000"}, Decimal("100000.00")),
    ],
)
def test_measure_10_subsidises_actual_costs_up_to_100k_when_online_thresholds_met(
    change: dict[str, object], expected: Decimal | None
) -> None:
    facts = {**ONLINE_OK, "promotion_costs": "80000", **change}
    assert paid(facts, 10) == expected


def test_measure_10_award_is_marked_as_a_ceiling_subject_to_audited_costs() -> None:
    result = evaluate({**ONLINE_OK, "promotion_costs": "80000"}, AS_OF)
    assert result.awards[0].estimate
    assert "实际费用" in result.awards[0].reason


# 11. "营业面积100m²以下的,按每店0.5万元标准奖励;营业面积100m²至200m²的,按每店1万元标准奖励;营业面积200m²以上的,按每店3万元标准奖励。"
@pytest.mark.parametrize(
    ("areas", "expected"),
    [
        (["99.99"], Decimal("5000.00")),
        (["100"], Decimal("5000.00")),  # 100m²以下 includes 100 (民法典 第1259条)
        (["100.01"], Decimal("10000.00")),
        (["199.99"], Decimal("10000.00")),
        (["200"], Decimal("30000.00")),  # 200m²以上 includes 200
        (["200.01"], Decimal("30000.00")),
        (["80", "150", "260"], Decimal("45000.00")),  # 按每店: summed over stores
        ("80;150；260", Decimal("45000.00")),  # a batch cell, ; separated
    ],
)
def test_measure_11_pays_each_new_chain_store_by_its_area(areas: object, expected: Decimal) -> None:
    assert paid({"new_chain_store_areas": areas}, 11) == expected


# 12. "营业额达500万元且增速15%以上的,给予一次性5万元奖励;营业额达1500万元且增速10%以上的,给予一次性8万元奖励;
#      营业额达2500万元且增速8%以上的,给予一次性10万元奖励;营业额达5000万元且增速6.5%以上的,给予一次性15万元奖励。"
@pytest.mark.parametrize(
    ("revenue", "growth", "expected"),
    [
        ("4999999.99", "30", None),
        ("5000000", "14.99", None),
        ("5000000", "15", Decimal("50000.00")),
        ("14999999.99", "12", None),
        ("15000000", "10", Decimal("80000.00")),
        ("15000000", "9.99", None),
        ("15000000", "20", Decimal("80000.00")),  # qualifies for 5万 and 8万: paid 8万 once
        ("25000000", "8", Decimal("100000.00")),
        ("25000000", "7.99", None),
        ("24999999.99", "8", None),  # just below 2500万: 8% is short of the 1500万 tier's 10%
        ("24999999.99", "12", Decimal("80000.00")),  # just below 2500万 falls to the 1500万 tier
        ("25000000.01", "8.01", Decimal("100000.00")),
        ("15000000.01", "10.01", Decimal("80000.00")),
        ("5000000.01", "15.01", Decimal("50000.00")),
        ("50000000.01", "6.51", Decimal("150000.00")),
        ("50000000", "6.5", Decimal("150000.00")),
        ("50000000", "6.49", None),
        ("49999999.99", "6.5", None),
        ("90000000", "40", Decimal("150000.00")),  # every tier qualifies: the highest, once
    ],
)
def test_measure_12_pays_lodging_and_catering_the_highest_tier_once(
    revenue: str, growth: str, expected: Decimal | None
) -> None:
    facts = {"lodging_catering_revenue_h1": revenue, "lodging_catering_growth_h1": growth}
    assert paid(facts, 12) == expected


# 13. "网络零售额达1000万元且增速20%以上的,给予一次性5万元奖励;…达3000万元且增速15%以上的…10万元;
#      …达5000万元且增速10%以上的…15万元;网络零售额达1亿元且增速6.5%以上的,给予一次性20万元奖励。"
@pytest.mark.parametrize(
    ("sales", "growth", "expected"),
    [
        ("9999999.99", "25", None),
        ("10000000", "19.99", None),
        ("10000000", "20", Decimal("50000.00")),
        ("30000000", "15", Decimal("100000.00")),
        ("29999999.99", "15", None),
        ("50000000", "10", Decimal("150000.00")),
        ("50000000", "9.99", None),
        ("100000000", "6.5", Decimal("200000.00")),
        ("100000000", "6.49", None),
        ("49999999.99", "10", None),  # just below 5000万: 10% is short of the 3000万 tier's 15%
        ("49999999.99", "15", Decimal("100000.00")),  # just below 5000万 falls to the 3000万 tier
        ("30000000", "14.99", None),  # just below 15%: the 1000万 tier needs 20%
        ("30000000", "20", Decimal("100000.00")),
        ("10000000.01", "20.01", Decimal("50000.00")),
        ("30000000.01", "15.01", Decimal("100000.00")),
        ("50000000.01", "10.01", Decimal("150000.00")),
        ("100000000.01", "6.51", Decimal("200000.00")),
        ("99999999.99", "6.5", None),
        ("120000000", "25", Decimal("200000.00")),
    ],
)
def test_measure_13_pays_online_retail_the_highest_tier_once(
    sales: str, growth: str, expected: Decimal | None
) -> None:
    assert (
        paid({"online_retail_sales_h1": sales, "online_retail_growth_h1": growth}, 13) == expected
    )


# 14. "2024年1月至6月演出场次满100场的,给予运营主体一次性30万元奖励。" (满100场 = at least 100)
@pytest.mark.parametrize(
    ("shows", "expected"),
    [
        (99, None),
        (100, Decimal("300000.00")),
        (101, Decimal("300000.00")),
        ("180", Decimal("300000.00")),
    ],
)
def test_measure_14_pays_300k_from_the_100th_show(shows: object, expected: Decimal | None) -> None:
    assert paid({"tourism_show_performances_h1": shows}, 14) == expected


# 15. "对旅行社组织或承接100人(含)以上旅游团队,游览中心城区2个(含)以上A级收费景区并入住城区酒店,累计接待超1000人次的,
#      每人每晚奖励40元(连续入住最高每人奖励80元),单个旅行社最高奖励不超过20万元。"
def group(guests: int, nights: int = 1, spots: int = 2, hotel: bool = True) -> dict[str, object]:
    return {"guests": guests, "nights": nights, "scenic_spots": spots, "district_hotel": hotel}


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([group(500), group(500)], None),  # exactly 1000: 超1000 excludes 1000
        ([group(500), group(501)], Decimal("40040.00")),  # 1001 guests × 1 night × 40
        ([group(1001, nights=2)], Decimal("80080.00")),  # 2 nights: 80 per guest
        ([group(1001, nights=3)], Decimal("80080.00")),  # 连续入住最高每人80元
        ([group(1001, nights=0)], None),  # no night in a district hotel: the group does not count
        ([group(99), group(1000)], None),  # 100人(含)以上: the 99-guest group does not count
        ([group(100), group(901)], Decimal("40040.00")),  # 100 counts
        ([group(1001, spots=1)], None),  # 2个(含)以上 scenic spots
        ([group(1001, spots=3)], Decimal("40040.00")),
        ([group(101), group(900)], Decimal("40040.00")),  # 101 counts too
        ([group(1001, hotel=False)], None),
        ([group(2500, nights=2)], Decimal("200000.00")),  # 2500 × 80 = 20万, exactly the cap
        ([group(2600, nights=2)], Decimal("200000.00")),  # 单个旅行社最高奖励不超过20万元
    ],
)
def test_measure_15_pays_travel_agencies_per_guest_night_above_1000_guests(
    groups: list[dict[str, object]], expected: Decimal | None
) -> None:
    assert paid({"travel_groups": groups}, 15) == expected


# 16. "…获得奖项的企业,1—6月份销售额达200万元以上的,给予一次性奖励5万元。"
@pytest.mark.parametrize(
    ("sales", "expected"),
    [("1999999.99", None), ("2000000", Decimal("50000.00")), ("2000000.01", Decimal("50000.00"))],
)
def test_measure_16_pays_award_winners_50k_once_from_2m_sales(
    sales: str, expected: Decimal | None
) -> None:
    assert paid({"award_winner_sales_h1": sales}, 16) == expected


def test_every_award_cites_its_measure_and_quotes_the_tier_text() -> None:
    result = evaluate(
        {
            "q1_investment": "60000000",
            "transport_growth_jan_feb": "12",
            "tourism_show_performances_h1": 120,
        },
        AS_OF,
    )
    citations = {a.measure: a.citation for a in result.awards}
    assert citations[1].document == "城政办发〔2024〕5号"
    assert citations[1].clause == "item_1"
    assert "2‰" in citations[1].text
    assert citations[4].clause == "item_4"
    assert "3万元" in citations[4].text
    assert "一次性30万元" in citations[14].text


def test_several_measures_are_paid_side_by_side_and_the_closing_paragraph_is_cited() -> None:
    result = evaluate({"q1_investment": "60000000", "specialized_pool_rd_q1": "600000"}, AS_OF)
    assert [a.measure for a in result.awards] == [1, 8]
    assert result.total == Decimal("140000.00")
    assert any(c.clause == "att_1__wrapup" and "分别进行申报" in c.text for c in result.citations)


def test_one_off_measures_are_flagged_and_others_are_not() -> None:
    result = evaluate(
        {
            "lodging_catering_revenue_h1": "6000000",
            "lodging_catering_growth_h1": "20",
            "transport_growth_jan_feb": "20",
        },
        AS_OF,
    )
    flags = {a.measure: a.one_off for a in result.awards}
    assert flags == {4: False, 12: True}
    assert "一次性" in next(a.reason for a in result.awards if a.measure == 12)
