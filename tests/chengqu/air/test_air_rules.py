"""The plan's rule data: response measures by level and category, every number kept, exemptions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chengqu.air.measures import (
    all_measures,
    exemptions,
    measures_for,
    member_units,
    reduction_target,
)
from chengqu.air.standards import all_standards
from chengqu.common.errors import DomainError
from chengqu.rules import load_table


def test_every_measure_cites_its_clause_and_names_member_units() -> None:
    """2.1 member list; 4.2.1–4.2.3 clauses."""
    units = set(member_units()) | {"区指挥部各成员单位"}
    for measure in all_measures():
        assert measure.citation.document == "城政办发〔2024〕1号"
        assert measure.citation.clause
        assert measure.responsible
        assert set(measure.responsible) <= units


def test_only_the_education_authority_and_duty_are_stated_by_the_plan() -> None:
    """Annex 2 is not in the gazette: every other assignment is marked assumed."""
    stated = {m.id for m in all_measures() if not m.assumed}
    assert stated == {"III-health-1", "II-health-1", "I-health-1", "all-duty"}


@pytest.mark.parametrize(("response", "times"), [("III", 3), ("II", 4), ("I", 5)])
def test_sprinkling_times_per_day(response: str, times: int) -> None:
    """4.2.1–4.2.3 每日对…主要干道洒水抑尘作业3/4/5次及以上."""
    sweeping = [m for m in measures_for(response) if m.id.endswith("dust-sweeping")]
    assert len(sweeping) == 1
    assert sweeping[0].details["sprinkling_times_per_day_at_least"] == times
    assert f"{times}次及以上" in sweeping[0].text


def test_truck_bans_by_level() -> None:
    """4.2.2(3)③ Ⅱ级禁止重型货车; 4.2.3(3)③ Ⅰ级禁止中、重型货车; Ⅲ级无移动源措施."""
    assert not [m for m in measures_for("III") if m.source == "移动源"]
    two = {m.id: m for m in measures_for("II")}
    one = {m.id: m for m in measures_for("I")}
    assert two["II-mobile-heavy-trucks"].details["banned_vehicles"] == ["重型货车"]
    assert one["I-mobile-trucks"].details["banned_vehicles"] == ["中型货车", "重型货车"]
    for m in (two["II-mobile-nonroad"], one["I-mobile-nonroad"]):
        assert m.details["banned_emission_stage_at_most"] == "国二"
        assert m.details["except"] == ["清洁能源机械", "紧急检修作业机械"]


@pytest.mark.parametrize("response", ["III", "II", "I"])
def test_every_level_bans_barbecue_without_fume_cleaning_and_has_all_categories(
    response: str,
) -> None:
    measures = measures_for(response)
    assert any("烧烤" in m.text and m.source == "其他" for m in measures)
    categories = {m.category for m in measures}
    assert {"健康防护", "倡议性", "强制性"} <= categories
    sources = {m.source for m in measures if m.category == "强制性"}
    assert {"工业源", "扬尘源", "其他"} <= sources


def test_industrial_measures_point_at_the_matching_list_level() -> None:
    """4.2.x(3)① 严格执行应急减排清单中黄色/橙色/红色预警相对应的应急减排措施."""
    levels = {m.response: m.details["list_level"] for m in all_measures() if m.source == "工业源"}
    assert levels == {"III": "yellow", "II": "orange", "I": "red"}


def test_reduction_targets() -> None:
    """4.3 黄色、橙色和红色预警期间的减排比例…20%、30%和40%以上."""
    assert [reduction_target(r) for r in ("III", "II", "I")] == [
        Decimal(20),
        Decimal(30),
        Decimal(40),
    ]
    with pytest.raises(DomainError):
        reduction_target("IV")


def test_exemptions_keep_their_numbers() -> None:
    """4.4(5) 48小时(含)、12个小时及以上、市环委办; 4.4(7) 100千克以下、B级; 4.4(8) 市级政府部门."""
    by_id = {e.id: e for e in exemptions()}
    assert by_id["short-warning"].details["warning_hours_at_most"] == 48
    assert by_id["short-warning"].details["implementation_hours_at_least"] == 12
    assert by_id["short-warning"].details["approved_by"] == "市环委办"
    assert by_id["micro-emitter"].details["annual_emissions_kg_at_most"] == "100"
    assert by_id["micro-emitter"].details["guarantee_class_at_least"] == "B"
    assert by_id["key-project"].details["approved_by"] == "市级政府部门"
    assert [e.citation.clause for e in exemptions()] == ["4.4(5)", "4.4(6)", "4.4(7)", "4.4(8)"]


def test_measure_texts_are_quoted_from_the_gazette() -> None:
    """Every measure's text appears in the gazette's plan (modulo how it was split into parts)."""
    from importlib import resources

    gazette = (
        resources.files("chengqu.data").joinpath("gazette-2024-1.txt").read_text(encoding="utf-8")
    )
    flat = "".join(gazette.split())
    for measure in all_measures():
        fragment = "".join(measure.text.split()).rstrip("。;")
        assert fragment in flat or fragment.split(",", 1)[-1] in flat, measure.id


def test_standard_tables_name_their_document_and_dates() -> None:
    old, new = all_standards()
    assert (old.name, old.expires, new.name, new.effective.isoformat()) == (
        "HJ 633-2012",
        new.effective,
        "HJ 633—2026",
        "2026-03-01",
    )
    assert old.verified
    assert not new.verified
    assert "verified" in load_table("air_hj633_2026")["document"]
    assert [str(p) for p in new.indicators["pm25_24h"].breakpoints][:3] == ["0", "35", "60"]
    assert [str(p) for p in new.indicators["pm10_24h"].breakpoints][:3] == ["0", "50", "120"]
