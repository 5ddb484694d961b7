"""Levels: water-source warning/response from two facts, animal declarations, grades, termination."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.command.levels import (
    Part,
    animal_levels,
    assessment_items,
    classify_water,
    declare_animal_response,
    earliest_animal_end,
    grades,
    hq_part,
    incubation_period,
    water_termination,
)
from chengqu.command.roster import load_roster
from chengqu.common import SHANGHAI, DomainError


@pytest.mark.parametrize(
    ("entered", "impact", "in_area", "warning", "response", "asks_level_one"),
    [
        (False, None, True, "橙色", "Ⅱ", False),  # reached the area, zone not yet polluted
        (False, "large", True, "橙色", "Ⅱ", False),  # the expert view matters only inside the zone
        (True, "small", True, "橙色", "Ⅱ", False),
        (True, "large", True, "红色", "Ⅰ", True),
        (True, None, True, "", "Ⅰ", True),  # in the zone, not yet judged: cannot tell
        (None, None, True, "", "Ⅰ", True),  # cannot tell whether it entered
        (False, None, False, "", "", False),  # not yet in the plan's area
    ],
)
def test_water_warning_and_response(
    entered: bool | None,
    impact: str | None,
    in_area: bool,
    warning: str,
    response: str,
    asks_level_one: bool,
) -> None:
    decision = classify_water(entered, impact, in_area=in_area)
    assert decision.value.warning == warning
    assert decision.value.response == response
    assert decision.value.request_level_one is asks_level_one
    assert decision.citations[0].document == "城政办发〔2024〕7号"


def test_cannot_tell_cites_5_1_and_explains() -> None:
    decision = classify_water(None)
    assert decision.citations[0].clause == "5.1"
    assert "暂时无法判明" in decision.citations[0].text
    assert decision.notes


def test_water_termination_needs_all_four_conditions_and_the_starter() -> None:
    partial = water_termination([1, 2, 4], started_by="区指挥部")
    assert not partial.value.allowed
    assert partial.value.missing == ("事件现场的各种专业应急处置行动已全部结束",)
    full = water_termination([1, 2, 3, 4], started_by="区指挥部")
    assert full.value.allowed
    assert full.value.ordered_by == "区指挥部"
    assert [c.clause for c in full.citations] == ["5.3.1", "5.3.2"]
    assert "谁启动、谁终止" in full.citations[1].text
    with pytest.raises(DomainError):
        water_termination([5], started_by="区指挥部")
    with pytest.raises(DomainError):
        water_termination([1, 2, 3, 4], started_by=" ")


def test_animal_levels_and_who_declares_them() -> None:
    assert [lv.level for lv in animal_levels()] == ["Ⅲ", "Ⅱ", "Ⅰ"]
    three = declare_animal_response("Ⅲ级")
    assert three.value.declarer == "区指挥部办公室主任"
    assert three.citations[0].clause == "4.2.1"
    assert declare_animal_response("2").value.declarer == "指挥长"
    one = declare_animal_response("Ⅰ")
    assert one.value.reports_to == "区委、区政府主要领导"
    assert any("附件4" in n for n in one.notes)  # conditions not in the gazette: flagged
    with pytest.raises(DomainError):
        declare_animal_response("Ⅳ")


def test_earliest_end_is_one_incubation_period_after_the_last_case_day() -> None:
    decision = earliest_animal_end(date(2024, 5, 1), disease="非洲猪瘟")
    assert decision.value == date(2024, 5, 17)  # 15 days: 5-02 … 5-16, end allowed from 5-17
    assert any("WOAH" in c.document for c in decision.citations)
    assert earliest_animal_end(date(2024, 5, 1), disease="FMD").value == date(2024, 5, 16)
    late_evening = datetime(2024, 5, 1, 23, 30, tzinfo=SHANGHAI)
    assert earliest_animal_end(late_evening, disease="口蹄疫").value == date(2024, 5, 16)


def test_an_unknown_disease_needs_the_period_by_hand() -> None:
    with pytest.raises(DomainError) as caught:
        earliest_animal_end(date(2024, 5, 1), disease="某新发病")
    assert caught.value.code == "command.incubation_unknown"
    assert earliest_animal_end(date(2024, 5, 1), incubation_days=10).value == date(2024, 5, 12)
    with pytest.raises(DomainError):
        earliest_animal_end(date(2024, 5, 1))
    with pytest.raises(DomainError):
        earliest_animal_end(date(2024, 5, 1), incubation_days=0)


def test_incubation_table_lists_sources() -> None:
    assert incubation_period("asf").days == 15
    assert incubation_period("禽流感").disease == "高致病性禽流感"


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)), st.integers(1, 400))
def test_end_is_always_after_a_full_period(last_case: date, days: int) -> None:
    end = earliest_animal_end(last_case, incubation_days=days).value
    assert end - last_case == timedelta(days=days + 1)


@pytest.mark.parametrize(
    ("grade", "part"),
    [
        ("一般", Part.COMMAND),
        ("较大", Part.INITIAL),
        ("重大", Part.INITIAL),
        ("特别重大", Part.INITIAL),
    ],
)
def test_a_specialised_hq_commands_general_events_and_does_initial_response_from_larger(
    grade: str, part: Part
) -> None:
    # "较大及其以上": 以上 includes 较大 (民法典 第1259条)
    assert hq_part("traffic", grade).value is part


def test_hqs_whose_duties_name_no_grade_command_at_every_grade() -> None:
    for grade in grades():
        assert hq_part("flood_drought", grade).value is Part.COMMAND
        assert hq_part("meteorological", grade).value is Part.COMMAND


def test_every_specialised_hq_has_a_scope_and_bad_grades_are_refused() -> None:
    for hq in load_roster().special():
        decision = hq_part(hq.key, "一般")
        assert decision.value is Part.COMMAND
        assert decision.citations[0].document == "城政办发〔2024〕8号"
        assert hq.duties_citation.clause == decision.citations[0].clause
    with pytest.raises(DomainError):
        hq_part("traffic", "很大")


def test_scope_texts_are_the_duties_words() -> None:
    for hq in load_roster().special():
        text = hq_part(hq.key, "一般").citations[0].text
        assert text in hq.duties


def test_assessment_report_contents() -> None:
    assert len(assessment_items("plan_water_source").value) == 8
    assert assessment_items("plan_animal_epidemic").citations[0].clause == "5.1"
    with pytest.raises(DomainError):
        assessment_items("plan_heavy_pollution")
