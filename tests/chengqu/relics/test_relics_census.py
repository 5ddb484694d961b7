"""Phases, the standard time point, enumerations and the lead workflow of 城政发〔2024〕3号."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.relics import (
    Category,
    DamageCause,
    LeadStage,
    ProtectionLevel,
    ReexamOutcome,
    advance_stage,
    damage_opens_case,
    is_sensitive,
    label_of,
    parse_category,
    parse_level,
    phase_on,
    phases,
    registered_count,
    standard_time_point,
)


def test_the_standard_time_point_is_30_april_2024_with_its_clause() -> None:
    decision = standard_time_point()
    assert decision.value == date(2024, 4, 30)
    assert decision.citations[0].document == "城政发〔2024〕3号"
    assert decision.citations[0].clause == "para_4"


def test_367_registered_relics_are_to_be_reexamined() -> None:
    decision = registered_count()
    assert decision.value == 367
    assert decision.citations[0].clause == "para_3__subpara_1"


@pytest.mark.parametrize(
    ("day", "key", "clause"),
    [
        (date(2023, 11, 1), "phase_1", "para_4__subpara_1"),
        (date(2024, 4, 30), "phase_1", "para_4__subpara_1"),
        (date(2024, 5, 1), "phase_2", "para_4__subpara_2"),
        (date(2025, 5, 31), "phase_2", "para_4__subpara_2"),
        (date(2025, 6, 1), "phase_3", "para_4__subpara_3"),
        (date(2026, 6, 30), "phase_3", "para_4__subpara_3"),
    ],
)
def test_the_phase_that_applies_on_a_date_at_its_edges(day: date, key: str, clause: str) -> None:
    decision = phase_on(day)
    assert decision.value is not None
    assert decision.value.key == key
    assert decision.citations[0].clause == clause


def test_no_phase_before_the_start_or_after_the_end() -> None:
    before = phase_on(date(2023, 10, 31))
    after = phase_on(date(2026, 7, 1))
    assert before.value is None
    assert "尚未开始" in before.notes[0]
    assert after.value is None
    assert "结束" in after.notes[0]


@given(st.dates(min_value=date(2023, 11, 1), max_value=date(2026, 6, 30)))
def test_every_day_of_the_census_falls_in_exactly_one_phase(day: date) -> None:
    assert sum(p.contains(day) for p in phases()) == 1


def test_phases_follow_each_other_without_gaps() -> None:
    ordered = phases()
    for earlier, later in itertools.pairwise(ordered):
        assert later.start == earlier.end + timedelta(days=1)


def test_levels_and_categories_accept_labels_and_short_forms() -> None:
    assert parse_level("省级") is ProtectionLevel.PROVINCIAL
    assert parse_level("全国重点文物保护单位") is ProtectionLevel.NATIONAL
    assert parse_level("尚未核定公布") is ProtectionLevel.UNRATED
    assert parse_category("古建筑") is Category.BUILDING
    assert parse_category("石窟寺及石刻") is Category.GROTTO
    assert label_of(Category.MODERN) == "近现代重要史迹及代表性建筑"


def test_an_unknown_level_or_category_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(DomainError) as level:
        parse_level("乡级")
    assert level.value.field == "level"
    assert "省级文物保护单位" in level.value.message
    with pytest.raises(DomainError) as category:
        parse_category("古桥")
    assert "古遗址" in category.value.message


def test_sites_and_tombs_are_sensitive_buildings_only_when_marked() -> None:
    assert is_sensitive(Category.SITE)
    assert is_sensitive(Category.TOMB)
    assert not is_sensitive(Category.BUILDING)
    assert is_sensitive(Category.BUILDING, marked=True)


def test_damage_by_people_or_neglect_opens_a_case_natural_damage_does_not() -> None:
    assert damage_opens_case(ReexamOutcome.DAMAGED, DamageCause.HUMAN).value
    assert damage_opens_case(ReexamOutcome.LOST, DamageCause.NEGLECT).value
    assert not damage_opens_case(ReexamOutcome.DAMAGED, DamageCause.NATURAL).value
    assert not damage_opens_case(ReexamOutcome.CHANGED, None).value
    assert (
        damage_opens_case(ReexamOutcome.DAMAGED, DamageCause.HUMAN).citations[0].clause
        == "para_5__subpara_1"
    )


def test_damage_without_a_cause_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        damage_opens_case(ReexamOutcome.DAMAGED, None)
    assert error.value.field == "cause"


def test_a_lead_goes_survey_verification_registration_publication() -> None:
    stage = LeadStage.LEAD
    for target in (
        LeadStage.SURVEYED,
        LeadStage.VERIFIED,
        LeadStage.REGISTERED,
        LeadStage.PUBLISHED,
    ):
        stage = advance_stage(stage, target).value
    assert stage is LeadStage.PUBLISHED


def test_a_lead_cannot_skip_expert_verification() -> None:
    with pytest.raises(DomainError) as error:
        advance_stage(LeadStage.LEAD, LeadStage.REGISTERED)
    assert "线索" in error.value.message
    with pytest.raises(DomainError):
        advance_stage(LeadStage.SURVEYED, LeadStage.PUBLISHED)


def test_publication_cites_the_third_phase() -> None:
    clauses = {c.clause for c in advance_stage(LeadStage.REGISTERED, LeadStage.PUBLISHED).citations}
    assert "para_4__subpara_3" in clauses
