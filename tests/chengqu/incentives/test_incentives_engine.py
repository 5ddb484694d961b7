"""The engine's contract: missing facts asked for, near misses, unclear growth units, bad input, batches."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from chengqu.common import SHANGHAI, DomainError
from chengqu.incentives import evaluate, evaluate_many, guidance, to_dict, to_json

AS_OF = date(2024, 7, 15)


def test_a_missing_fact_is_asked_for_never_read_as_zero() -> None:
    result = evaluate({"other_service_revenue_jan_feb": "9000000"}, AS_OF)
    assert result.awards == ()
    assert [(n.measure, n.field) for n in result.needs] == [(3, "other_service_growth_jan_feb")]
    assert "增速" in result.needs[0].message


def test_a_blank_fact_counts_as_missing_as_in_an_empty_spreadsheet_cell() -> None:
    result = evaluate(
        {"industrial_annual_output": "200000000", "industrial_q1_growth": "  "}, AS_OF
    )
    assert [n.field for n in result.needs] == ["industrial_q1_growth"]


def test_measures_without_any_fact_are_not_assessed() -> None:
    result = evaluate({"transport_growth_jan_feb": "12"}, AS_OF)
    assert [a.measure for a in result.awards] == [4]
    assert result.needs == ()


def test_measure_10_needs_its_costs_before_it_can_say_an_amount() -> None:
    facts = {"promotion_online_sales": "6000000", "promotion_firms": 40, "promotion_views": 200000}
    result = evaluate(facts, AS_OF)
    assert [n.field for n in result.needs] == ["promotion_costs"]
    assert any(g.measure == 10 and "线下" in g.text for g in result.guidance)


def test_near_miss_says_how_many_wan_short_of_the_next_tier() -> None:
    result = evaluate({"new_project_total_investment": "80000000"}, AS_OF)
    assert result.awards == ()
    (miss,) = result.near_misses
    assert miss.measure == 2
    assert miss.shortfall == Decimal("20000000")
    assert "差2000万元达到下一档" in miss.message


def test_near_miss_in_growth_is_counted_in_percentage_points() -> None:
    result = evaluate({"transport_growth_jan_feb": "12.5"}, AS_OF)
    (miss,) = result.near_misses
    assert miss.tier == "增速达15%及以上"
    assert miss.shortfall == Decimal("2.5")
    assert "差2.5个百分点" in miss.message


def test_near_misses_give_the_nearest_tier_per_fact_when_two_conditions_could_move() -> None:
    facts = {"lodging_catering_revenue_h1": "14000000", "lodging_catering_growth_h1": "12"}
    result = evaluate(facts, AS_OF)
    by_field = {m.field: m for m in result.near_misses}
    assert by_field["lodging_catering_growth_h1"].shortfall == Decimal("3")  # to 500万 & 15%
    assert by_field["lodging_catering_revenue_h1"].shortfall == Decimal(
        "1000000"
    )  # to 1500万 & 10%
    assert len(result.near_misses) == 2


def test_near_miss_for_more_than_1000_guests_counts_whole_people() -> None:
    groups = [{"guests": 1000, "nights": 1, "scenic_spots": 2, "district_hotel": True}]
    (miss,) = evaluate({"travel_groups": groups}, AS_OF).near_misses
    assert miss.shortfall == 1  # 超1000: 1001 is the first count that qualifies


def test_no_near_miss_once_the_top_tier_is_paid() -> None:
    assert evaluate({"transport_growth_jan_feb": "40"}, AS_OF).near_misses == ()


def test_growth_written_as_a_fraction_is_asked_about_when_the_reading_changes_the_award() -> None:
    result = evaluate({"transport_growth_jan_feb": "0.25"}, AS_OF)
    assert result.awards == ()
    (need,) = result.needs
    assert need.field == "transport_growth_jan_feb"
    assert "0.25%" in need.message
    assert "25%" in need.message


def test_growth_written_as_a_fraction_is_read_as_percent_and_said_so_when_the_award_is_the_same() -> (
    None
):
    result = evaluate(
        {"transport_growth_jan_feb": "0.03"}, AS_OF
    )  # 0.03% or 3%: no award either way
    assert result.needs == ()
    assert any("0.03%" in note and "结果相同" in note for note in result.notes)


def test_growth_with_a_percent_sign_is_unambiguous() -> None:
    result = evaluate({"transport_growth_jan_feb": "25%"}, AS_OF)
    assert [a.amount for a in result.awards] == [Decimal("50000.00")]
    assert result.needs == ()


def test_results_before_a_window_closes_are_flagged_as_provisional() -> None:
    result = evaluate(
        {"lodging_catering_revenue_h1": "6000000", "lodging_catering_growth_h1": "20"},
        date(2024, 5, 1),
    )
    assert result.awards
    assert any("尚未结束" in note for note in result.notes)


@pytest.mark.parametrize(
    ("facts", "field", "code"),
    [
        ({"q1_investment": "-1"}, "q1_investment", "incentives.negative"),
        ({"real_estate_sales_area_q1": -5}, "real_estate_sales_area_q1", "incentives.negative"),
        ({"q1_investment": 60000000.0}, "q1_investment", "incentives.float"),
        ({"q1_investment": "六千万"}, "q1_investment", "incentives.number"),
        ({"q1_investment": True}, "q1_investment", "incentives.type"),
        ({"q1_investmnt": "60000000"}, "q1_investmnt", "incentives.unknown_field"),
        ({"transport_growth_jan_feb": "-100.01"}, "transport_growth_jan_feb", "incentives.growth"),
        (
            {"tourism_show_performances_h1": "100.5"},
            "tourism_show_performances_h1",
            "incentives.integer",
        ),
        ({"new_chain_store_areas": ["80", "0"]}, "new_chain_store_areas[1]", "incentives.area"),
        (
            {"travel_groups": [{"guests": 100, "nights": 1, "scenic_spots": 2}]},
            "travel_groups[0].district_hotel",
            "incentives.missing",
        ),
        (
            {
                "travel_groups": [
                    {
                        "guests": 100,
                        "nights": 1,
                        "scenic_spots": 2,
                        "district_hotel": True,
                        "bus": 2,
                    }
                ]
            },
            "travel_groups[0].bus",
            "incentives.unknown_field",
        ),
        (
            {
                "travel_groups": [
                    {"guests": 100, "nights": 1, "scenic_spots": 2, "district_hotel": "也许"}
                ]
            },
            "travel_groups[0].district_hotel",
            "incentives.bool",
        ),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_naming_the_field(
    facts: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        evaluate(facts, AS_OF)
    assert caught.value.code == code
    assert caught.value.field == field
    assert field.split("[")[0] in caught.value.message


def test_an_unknown_field_suggests_the_nearest_known_name() -> None:
    with pytest.raises(DomainError) as caught:
        evaluate({"q1_investmnt": "1"}, AS_OF)
    assert "q1_investment" in caught.value.message


@pytest.mark.parametrize(
    ("as_of", "code"),
    [
        (date(2024, 2, 21), "incentives.not_in_force"),  # the notice is dated 2024-02-22
        (date(2025, 1, 1), "incentives.expired"),  # after the (assumed) claim deadline
        (datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI), "incentives.as_of"),  # a time, not a date
    ],
)
def test_an_evaluation_date_outside_the_claim_period_is_refused(as_of: date, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        evaluate({"q1_investment": "60000000"}, as_of)
    assert caught.value.code == code
    assert caught.value.field == "as_of"


def test_the_first_and_last_day_of_the_claim_period_are_accepted() -> None:
    assert evaluate({"q1_investment": "60000000"}, date(2024, 2, 22)).total == Decimal("120000.00")
    assert evaluate({"q1_investment": "60000000"}, date(2024, 12, 31)).total == Decimal("120000.00")


def test_a_bad_row_never_stops_the_good_ones() -> None:
    rows: list[object] = [
        {"id": "A", "q1_investment": "60000000"},
        {"id": "B", "q1_investment": "-1"},
        {"q1_investment": "60000000"},
        {"id": "A", "transport_growth_jan_feb": "20"},
        "not a row",
        {"id": "C", "transport_growth_jan_feb": "20"},
    ]
    batch = evaluate_many(rows, AS_OF)  # type: ignore[arg-type]
    assert [r.id for r in batch.results] == ["A", "C"]
    errors = {e.index: (e.id, e.code, e.field) for e in batch.errors}
    assert errors == {
        1: ("B", "incentives.negative", "q1_investment"),
        2: (None, "incentives.id_missing", "id"),
        3: ("A", "incentives.id_duplicate", "id"),
        4: (None, "incentives.row", None),
    }
    assert batch.total == Decimal("170000.00")


def test_batch_summary_totals_cost_by_measure() -> None:
    rows = [
        {"id": "A", "transport_growth_jan_feb": "20"},
        {"id": "B", "transport_growth_jan_feb": "6"},
        {"id": "C", "q1_investment": "60000000"},
    ]
    summary = {m.measure: (m.count, m.total) for m in evaluate_many(rows, AS_OF).by_measure()}
    assert summary[4] == (2, Decimal("70000.00"))
    assert summary[1] == (1, Decimal("120000.00"))
    assert summary[2] == (0, Decimal(0))
    assert 9 not in summary  # guidance only


def test_json_has_the_cli_shape_with_amounts_as_yuan_dot_fen_strings() -> None:
    rows = [
        {"id": "E1", "q1_investment": "61234567.89", "other_service_revenue_jan_feb": "1"},
        {"id": "E2", "q1_investment": "-1"},
    ]
    document = json.loads(to_json(evaluate_many(rows, AS_OF)))
    (result,) = document["results"]
    assert set(result) == {"id", "awards", "total", "needs", "near_misses"}
    assert result["id"] == "E1"
    (award,) = result["awards"]
    assert set(award) == {"measure", "tier", "amount", "reason", "citation"}
    assert award["measure"] == 1
    assert award["amount"] == "122469.14"
    assert award["citation"]["clause"] == "item_1"
    assert result["total"] == "122469.14"
    assert result["needs"][0]["field"] == "other_service_growth_jan_feb"
    assert document["errors"][0]["field"] == "q1_investment"


def test_detailed_json_adds_guidance_notes_and_lead_units() -> None:
    document = to_dict(
        evaluate_many([{"id": "E1", "award_winner_sales_h1": "3000000"}], AS_OF), detail=True
    )
    result = document["results"][0]
    assert result["awards"][0]["lead_unit"]
    assert any(g["measure"] == 16 for g in result["guidance"])
    assert any("核实" in n for n in result["notes"])


def test_the_non_formula_parts_of_measures_9_10_and_16_come_back_as_guidance_with_their_clause() -> (
    None
):
    items = {g.measure: g for g in guidance()}
    assert set(items) == {9, 10, 16}
    assert items[9].citation.clause == "item_9"
    assert "1500万元" in items[9].citation.text
    assert "旅博会" in items[16].text
