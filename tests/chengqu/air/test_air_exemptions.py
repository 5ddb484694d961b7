"""Plan 4.4 exemptions: every condition checked, at and around each boundary (48 h, 12 h, 100 kg, class B)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from chengqu.air.exemptions import ExemptionFacts, check_exemption
from chengqu.common.errors import DomainError

SHORT = ExemptionFacts(
    clause="4.4(5)",
    urgent_issue=True,
    warning_hours=Decimal(24),
    implementation_hours=Decimal(16),
    emissions_unstable=True,
    written_statement=True,
    approved_by="晋城市环委办",
)
MICRO = ExemptionFacts(
    clause="4.4(7)",
    annual_emissions_kg=Decimal(80),
    non_coal=True,
    non_oil=True,
    single_component=True,
    no_toxic_or_odour=True,
    overall_target_met=True,
)
PROJECT = ExemptionFacts(clause="4.4(8)", key_project=True, approval_level="市级")


def _failed_fields(facts: ExemptionFacts) -> set[str]:
    return {name for name, _ in check_exemption(facts).failed}


@pytest.mark.parametrize(
    ("hours", "eligible"), [("47.9", True), ("48", True), ("48.01", False), ("72", False)]
)
def test_short_warning_lasts_at_most_48_hours_inclusive(hours: str, eligible: bool) -> None:
    decision = check_exemption(replace(SHORT, warning_hours=Decimal(hours)))
    assert decision.eligible is eligible
    assert decision.citations[0].clause == "4.4(5)"
    if not eligible:
        assert "48" in decision.message()


@pytest.mark.parametrize(("hours", "eligible"), [("11.99", False), ("12", True), ("12.5", True)])
def test_short_warning_needs_12_hours_or_more_to_put_measures_in_place(
    hours: str, eligible: bool
) -> None:
    assert check_exemption(replace(SHORT, implementation_hours=Decimal(hours))).eligible is eligible


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"urgent_issue": False}, "urgent_issue"),
        ({"emissions_unstable": False}, "emissions_unstable"),
        ({"written_statement": False}, "written_statement"),
        ({"approved_by": "城区政府"}, "approved_by"),
        ({"persistent": True}, "persistent"),
        ({"warning_hours": None}, "warning_hours"),
        ({"implementation_hours": None}, "implementation_hours"),
    ],
)
def test_short_warning_every_other_condition(change: dict[str, object], field: str) -> None:
    assert check_exemption(SHORT).eligible
    assert _failed_fields(replace(SHORT, **change)) == {field}  # type: ignore[arg-type]


@pytest.mark.parametrize(("kg", "eligible"), [("99.999", True), ("100", True), ("100.001", False)])
def test_micro_emitter_at_most_100_kg_a_year_inclusive(kg: str, eligible: bool) -> None:
    assert check_exemption(replace(MICRO, annual_emissions_kg=Decimal(kg))).eligible is eligible


def test_seasonal_micro_emitter_is_measured_by_the_day() -> None:
    seasonal = replace(MICRO, seasonal=True, annual_emissions_kg=Decimal(10))
    assert _failed_fields(seasonal) == {"daily_emissions_kg"}
    limit_per_day = Decimal(100) / 365
    assert check_exemption(
        replace(seasonal, daily_emissions_kg=Decimal("0.27"))
    ).eligible  # 98.55 kg/a
    assert not check_exemption(
        replace(seasonal, daily_emissions_kg=Decimal("0.28"))
    ).eligible  # 102.2 kg/a
    assert Decimal("0.27") < limit_per_day < Decimal("0.28")


@pytest.mark.parametrize("field", ["non_coal", "non_oil", "single_component", "no_toxic_or_odour"])
def test_micro_emitter_qualitative_conditions(field: str) -> None:
    assert _failed_fields(replace(MICRO, **{field: False})) == {field}  # type: ignore[arg-type]


@pytest.mark.parametrize("met", [False, None])
def test_micro_emitter_only_while_the_list_still_meets_the_overall_target(met: bool | None) -> None:
    assert _failed_fields(replace(MICRO, overall_target_met=met)) == {"overall_target_met"}


@pytest.mark.parametrize(
    ("grade", "eligible"),
    [
        ("A", True),
        ("B", True),
        ("引领性", True),
        ("B-", False),
        ("C", False),
        ("D", False),
        ("", False),
    ],
)
def test_key_industry_guarantee_enterprises_need_class_b_or_better(
    grade: str, eligible: bool
) -> None:
    decision = check_exemption(
        ExemptionFacts(clause="4.4(7)", ground="guarantee", performance_class=grade)
    )
    assert decision.eligible is eligible
    if not eligible:
        assert "B级及以上" in decision.message()


@pytest.mark.parametrize(
    ("level", "eligible"), [("市级", True), ("省级", True), ("区级", False), ("", False)]
)
def test_key_project_needs_city_level_approval(level: str, eligible: bool) -> None:
    assert check_exemption(replace(PROJECT, approval_level=level)).eligible is eligible
    assert _failed_fields(replace(PROJECT, key_project=False)) == {"key_project"}


def test_unknown_clause_or_ground_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        check_exemption(ExemptionFacts(clause="4.4(6)"))
    assert err.value.field == "clause"
    with pytest.raises(DomainError):
        check_exemption(replace(MICRO, ground="other"))
