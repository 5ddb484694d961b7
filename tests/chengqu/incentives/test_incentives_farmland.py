"""The farmland reclamation fee of 城政发〔2024〕1号: every grade, the exemption, the floor, overrides."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from chengqu.common import DomainError
from chengqu.incentives import FeeOverride, fee_to_dict, quote_farmland_fee, standard_rates
from chengqu.incentives.farmland import to_json

ON = date(2024, 5, 1)


# 三: "7等别26万/亩,8等别24万/亩,9等别22万/亩,10等别20万/亩,11等别18万/亩,12等别16万/亩。"
@pytest.mark.parametrize(
    ("grade", "rate"),
    [(7, "260000"), (8, "240000"), (9, "220000"), (10, "200000"), (11, "180000"), (12, "160000")],
)
def test_every_grade_pays_its_standard_rate_per_mu(grade: int, rate: str) -> None:
    decision = quote_farmland_fee(grade=grade, area_mu="2.5", on=ON)
    assert decision.value.rate_per_mu == Decimal(rate)
    assert decision.value.fee == Decimal(rate) * Decimal("2.5")
    assert decision.value.basis == "standard"
    assert decision.citations[0].clause == "para_3"


def test_standard_rates_are_the_six_grades_of_the_opinion() -> None:
    assert standard_rates() == {
        g: Decimal(r) * 10000 for g, r in zip(range(7, 13), (26, 24, 22, 20, 18, 16), strict=True)
    }


@pytest.mark.parametrize("grade", [6, 13, 0, -7])
def test_a_grade_outside_7_to_12_is_an_error_not_a_guess(grade: int) -> None:
    with pytest.raises(DomainError) as caught:
        quote_farmland_fee(grade=grade, area_mu="1", on=ON)
    assert caught.value.field == "grade"
    assert "7、8、9、10、11、12" in caught.value.message


@pytest.mark.parametrize("grade", ["9", True, 9.0])
def test_a_grade_that_is_not_an_integer_is_refused(grade: object) -> None:
    with pytest.raises(DomainError) as caught:
        quote_farmland_fee(grade=grade, area_mu="1", on=ON)  # type: ignore[arg-type]
    assert caught.value.field == "grade"


def test_area_in_square_metres_converts_exactly_at_10000_over_15_per_mu() -> None:
    decision = quote_farmland_fee(grade=7, area_m2="1000", on=ON)
    assert decision.value.area_mu == Fraction(3, 2)
    assert decision.value.fee == Decimal("390000.00")


def test_one_square_metre_of_grade_12_costs_exactly_240_yuan() -> None:
    # 160000 × 15 / 10000 = 240, with no 666.67 rounding on the way
    assert quote_farmland_fee(grade=12, area_m2=1, on=ON).value.fee == Decimal("240.00")


def test_the_fee_is_rounded_once_half_up_to_the_fen() -> None:
    # 160000 × 0.00000003125 亩 = 0.005 yuan: half up gives 0.01 (half even would give 0.00)
    assert quote_farmland_fee(grade=12, area_mu="0.00000003125", on=ON).value.fee == Decimal("0.01")
    # 1 m² of grade 9: 220000 × 15/10000 = 330 exactly; 2 m² of grade 8 = 720
    assert quote_farmland_fee(grade=8, area_m2="2", on=ON).value.fee == Decimal("720.00")


# 二(二): "自行组织开发复垦或委托代建开发复垦的补充耕地…不再征收耕地开垦费。"
def test_a_project_that_reclaims_its_own_land_pays_nothing() -> None:
    decision = quote_farmland_fee(grade=7, area_mu="10", self_reclaimed=True, on=ON)
    assert decision.value.fee == Decimal("0.00")
    assert decision.value.basis == "exempt"
    assert any(c.clause == "para_2__subpara_2" for c in decision.citations)


# 四(三): "如交易价格发生变化,按实际交易价格进行收取,但不得低于上述耕地开垦费征收标准。"
def test_a_trading_platform_price_above_the_standard_is_charged() -> None:
    decision = quote_farmland_fee(grade=9, area_mu="2.5", trade_price="230000", on=ON)
    assert decision.value.rate_per_mu == Decimal("230000")
    assert decision.value.fee == Decimal("575000.00")
    assert decision.value.basis == "trade_price"
    assert any(c.clause == "para_4__subpara_3" for c in decision.citations)


@pytest.mark.parametrize(
    ("price", "rate"), [("219999.99", "220000"), ("220000", "220000"), ("220000.01", "220000.01")]
)
def test_a_trading_platform_price_never_goes_below_the_standard(price: str, rate: str) -> None:
    decision = quote_farmland_fee(grade=9, area_mu="1", trade_price=price, on=ON)
    assert decision.value.rate_per_mu == Decimal(rate)


# 四(一)(四): "国家、省、市…有特别规定的,按其规定执行" / "出台新规定的,按新规定执行"
def test_a_special_rule_overrides_the_rate_and_its_basis_is_recorded() -> None:
    override = FeeOverride(
        rate_per_mu="150000",
        basis="省重点工程耕地开垦费特别规定",
        level="省",
        document="晋政发〔2024〕X号",
    )
    decision = quote_farmland_fee(grade=7, area_mu="2", on=ON, override=override)
    assert decision.value.fee == Decimal("300000.00")
    assert decision.value.basis == "override"
    recorded = [c for c in decision.citations if c.clause == "override"]
    assert [(c.document, c.text) for c in recorded] == [
        ("晋政发〔2024〕X号", "省重点工程耕地开垦费特别规定")
    ]
    assert {"para_4__subpara_1", "para_4__subpara_4"} <= {c.clause for c in decision.citations}


@pytest.mark.parametrize(
    "override",
    [
        FeeOverride(rate_per_mu="150000", basis="  ", level="省"),
        FeeOverride(rate_per_mu="150000", basis="某规定", level="县"),
        FeeOverride(rate_per_mu="-1", basis="某规定", level="市"),
    ],
)
def test_an_override_without_basis_or_from_an_unknown_level_is_refused(
    override: FeeOverride,
) -> None:
    with pytest.raises(DomainError) as caught:
        quote_farmland_fee(grade=7, area_mu="2", on=ON, override=override)
    assert caught.value.field == "override"


# 四(三): "本实施意见从2024年3月1日起施行,有效期五年。"
@pytest.mark.parametrize(
    ("on", "code"),
    [(date(2024, 2, 29), "farmland.not_in_force"), (date(2029, 3, 1), "farmland.expired")],
)
def test_a_date_outside_the_five_years_from_1_march_2024_is_refused(on: date, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        quote_farmland_fee(grade=7, area_mu="1", on=on)
    assert caught.value.code == code
    assert caught.value.field == "on"


@pytest.mark.parametrize("on", [date(2024, 3, 1), date(2029, 2, 28)])
def test_the_first_and_last_day_in_force_are_accepted(on: date) -> None:
    assert quote_farmland_fee(grade=7, area_mu="1", on=on).value.fee == Decimal("260000.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "area_mu"),
        ({"area_mu": "1", "area_m2": "666"}, "area_mu"),
        ({"area_mu": "0"}, "area_mu"),
        ({"area_mu": "-1"}, "area_mu"),
        ({"area_m2": 1.5}, "area_m2"),
        ({"area_mu": "1", "trade_price": "0"}, "trade_price"),
        ({"area_mu": "1", "trade_price": "abc"}, "trade_price"),
    ],
)
def test_bad_areas_and_prices_are_refused_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        quote_farmland_fee(grade=7, on=ON, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_json_has_the_cli_shape() -> None:
    decision = quote_farmland_fee(grade=9, area_mu="2.5", trade_price="230000", on=ON)
    document = json.loads(to_json(decision))
    assert document["fee"] == "575000.00"
    assert document["rate_per_mu"] == "230000.00"
    assert {c["clause"] for c in document["citations"]} >= {"para_3", "para_4__subpara_3"}
    assert fee_to_dict(decision)["fee"] == "575000.00"
