"""The plan's own definitions (城政办发〔2024〕1号 7.1) agree with the HJ 633 table the platform
computes levels from: a change to either that breaks the agreement fails here."""

from __future__ import annotations

import pytest

from chengqu.air.standards import load_standard
from chengqu.rules import load_table

PLAN = load_table("air_plan")["definitions"]
HJ633 = load_standard("air_hj633_2012")


def test_the_plan_names_the_standard_the_platform_computes_with():
    assert PLAN["aqi"]["standard"] == "HJ 633-2012"
    assert "HJ633—2012" in PLAN["aqi"]["text"]


@pytest.mark.parametrize("row", PLAN["level"], ids=lambda r: r["clause"])
def test_each_heavy_level_of_the_plan_is_the_same_level_of_hj633(row):
    low = int(row["aqi_from"])
    for aqi in (low - 1, low, low + 1):  # just below, at and just above the plan's lower bound
        category = HJ633.category_of(aqi)
        assert (category.level == row["level"]) == (aqi >= low)
    assert HJ633.category_of(low).category == row["name"]
    if row["aqi_to"]:
        high = int(row["aqi_to"])
        assert HJ633.category_of(high).level == row["level"]
        assert HJ633.category_of(high + 1).level == row["level"] + 1
    else:
        assert row["level"] == HJ633.categories[-1].level  # the top level has no upper bound


def test_heavy_pollution_starts_where_the_heavy_levels_do():
    """7.1(2): 重污染天气 is AQI ≥ 201, the lower bound of 重度污染 in 7.1(3)."""
    lowest = min(int(r["aqi_from"]) for r in PLAN["level"])
    assert int(PLAN["heavy_pollution_aqi_at_least"]) == lowest
