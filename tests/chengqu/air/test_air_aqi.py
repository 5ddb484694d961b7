"""HJ 633 AQI: every breakpoint on both sides, rounding up, the table notes, table by date, NA."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengqu.air.aqi import compute_aqi, compute_aqi_arrays, pollutant_names
from chengqu.air.standards import AboveTop, Report, Standard, all_standards, standard_for
from chengqu.common.errors import DomainError

D2012 = date(2025, 6, 1)
D2026 = date(2026, 6, 1)
STANDARDS = {s.name: s for s in all_standards()}


def _cases() -> list[tuple[str, str, str, Decimal, int]]:
    """(standard, input key, report, breakpoint, its IAQI) for every row and node of both tables."""
    cases = []
    for standard in all_standards():
        for report in Report:
            for key, indicator_key in standard.reports[report].items():
                if (
                    report is Report.HOURLY
                    and indicator_key in standard.reports[Report.DAILY].values()
                    and key != "pm25"
                    and key != "pm10"
                    and key.startswith("o3")
                ):
                    continue  # O3 rows are the same in both reports; test them once
                indicator = standard.indicators[indicator_key]
                for point, node in zip(indicator.breakpoints, indicator.iaqi, strict=True):
                    cases.append((standard.name, key, report.value, point, node))
    return cases


def _step(key: str) -> Decimal:
    return Decimal("0.001") if key.startswith("co") else Decimal("0.01")


def _on(name: str) -> date:
    return D2012 if name.endswith("2012") else D2026


def _vector(conc: dict[str, float], report: str, on: date) -> float:
    return float(
        compute_aqi_arrays({k: np.array([v]) for k, v in conc.items()}, report=report, on=on).aqi[0]
    )


@pytest.mark.parametrize(("name", "key", "report", "point", "node"), _cases())
def test_every_breakpoint_gives_its_iaqi_and_the_sides_round_up(
    name: str, key: str, report: str, point: Decimal, node: int
) -> None:
    """On a breakpoint the IAQI is exactly the node; just below it rounds up to the node; just
    above it rounds up to node + 1 (进位取整, HJ 633-2012 5.4)."""
    on = _on(name)
    step = _step(key)
    assert compute_aqi({key: point}, report=report, on=on).iaqi[key] == node
    assert _vector({key: float(point)}, report, on) == node
    if point > 0:
        below = point - step
        assert compute_aqi({key: below}, report=report, on=on).iaqi[key] == node
        assert _vector({key: float(below)}, report, on) == node
    indicator = STANDARDS[name].indicators[STANDARDS[name].reports[Report(report)][key]]
    above = point + step
    if point < indicator.top:
        assert compute_aqi({key: above}, report=report, on=on).iaqi[key] == node + 1
        assert _vector({key: float(above)}, report, on) == node + 1
    elif key == "co" and above > STANDARDS[name].co_unit_suspect_above:
        # past the 1-h CO row's 150 mg/m³ the value is read as µg/m³ given for mg/m³: refused
        with pytest.raises(DomainError) as err:
            compute_aqi({key: above}, report=report, on=on)
        assert err.value.code == "air.co_unit"
    else:
        result = compute_aqi({key: above}, report=report, on=on)
        if indicator.above_top is AboveTop.CAP:
            assert result.iaqi[key] == 500
            assert f"above_table:{key}" in result.flags
        assert _vector({key: float(above)}, report, on) == result.iaqi[key]


@pytest.mark.parametrize(
    ("conc", "report", "on", "expected"),
    [
        ({"co": "0.9"}, "daily", D2012, 23),  # python-aqi 0.6.1 truncates to 0
        ({"co": "1.5"}, "daily", D2012, 38),
        ({"co": "2.5"}, "daily", D2012, 63),
        ({"co": "7.5"}, "hourly", D2012, 75),
        ({"pm25": "80"}, "daily", D2012, 107),  # python-aqi: 106 (EPA-style lower bounds)
        ({"pm25": "35.5"}, "daily", D2012, 51),
        ({"pm25": "75.4"}, "daily", D2012, 101),
        ({"o3_8h": "166"}, "daily", D2012, 106),  # published official value: rounds up
        ({"pm25": "128"}, "hourly", D2012, 169),  # 1-h PM2.5 read against the 24-h row
        ({"pm25": "75"}, "daily", D2026, 114),  # 2026: 60 → 100, 115 → 150
        ({"pm10": "150"}, "daily", D2026, 112),
        ({"pm25": "60"}, "daily", D2026, 100),
        ({"pm10": "120"}, "daily", D2026, 100),
        ({"no2": "350"}, "hourly", D2012, 115),
    ],
)
def test_known_values(conc: dict[str, str], report: str, on: date, expected: int) -> None:
    assert compute_aqi(conc, report=report, on=on).aqi == expected
    assert _vector({k: float(v) for k, v in conc.items()}, report, on) == expected


def test_float_input_is_read_as_its_decimal_not_its_binary_value() -> None:
    """2.4 mg/m³ CO is IAQI 60 exactly; the binary float 2.4 must not round up to 61."""
    assert compute_aqi({"co": 2.4}, on=D2012).aqi == 60
    assert _vector({"co": 2.4}, "daily", D2012) == 60


def test_one_hour_so2_no2_co_rows_serve_only_the_hourly_report() -> None:
    """表1 注(1): the daily report reads SO2 against the 24-h row, the real-time report the 1-h row."""
    assert compute_aqi({"so2": 200}, report="daily", on=D2012).aqi == 108  # 24-h row 150–475
    assert compute_aqi({"so2": 200}, report="hourly", on=D2012).aqi == 58  # 1-h row 150–500
    assert compute_aqi({"no2": 150}, report="daily", on=D2012).aqi == 135
    assert compute_aqi({"no2": 150}, report="hourly", on=D2012).aqi == 75


def test_so2_1h_above_800_uses_the_24h_sub_index_in_2012() -> None:
    """HJ 633-2012 表1 注(2): SO2 1-h > 800 → report the 24-h SO2 sub-index."""
    result = compute_aqi({"so2": 900, "so2_24h": 100}, report="hourly", on=D2012)
    assert result.iaqi == {"so2": 75}
    assert "substituted:so2>so2_24h" in result.flags
    assert _vector({"so2": 900, "so2_24h": 100}, "hourly", D2012) == 75


def test_so2_1h_above_800_without_24h_value_reports_200_with_a_flag_in_2012() -> None:
    result = compute_aqi({"so2": 900}, report="hourly", on=D2012)
    assert result.aqi == 200
    assert "substitute_missing:so2" in result.flags


def test_so2_1h_above_800_is_200_in_2026() -> None:
    """HJ 633—2026 注b: SO2 1-h > 800 → IAQI 200, whatever the 24-h value."""
    result = compute_aqi({"so2": 900, "so2_24h": 100}, report="hourly", on=D2026)
    assert result.iaqi == {"so2": 200}
    assert _vector({"so2": 900, "so2_24h": 100}, "hourly", D2026) == 200


def test_o3_8h_above_800_uses_the_1h_sub_index_in_2012_and_300_in_2026() -> None:
    """HJ 633-2012 表1 注(3) vs HJ 633—2026 注c."""
    old = compute_aqi({"o3_8h": 900, "o3_1h": 1000}, on=D2012)
    assert old.iaqi == {"o3_1h": 400, "o3_8h": 400}
    assert old.primary == ("O3",)
    new = compute_aqi({"o3_8h": 900, "o3_1h": 300}, on=D2026)
    assert new.iaqi == {"o3_1h": 150, "o3_8h": 300}
    assert _vector({"o3_8h": 900, "o3_1h": 1000}, "daily", D2012) == 400
    assert _vector({"o3_8h": 900, "o3_1h": 300}, "daily", D2026) == 300
    missing = compute_aqi({"o3_8h": 900}, on=D2012)
    assert missing.aqi == 300
    assert "substitute_missing:o3_8h" in missing.flags


@pytest.mark.parametrize("key", ["pm25", "pm10", "so2", "no2", "o3_1h", "co"])
def test_above_the_table_is_500_with_a_flag_never_a_crash(key: str) -> None:
    huge = "149" if key == "co" else "5000"
    result = compute_aqi({key: huge}, on=D2012)
    assert result.aqi == 500
    assert result.level == 6
    assert f"above_table:{key}" in result.flags


def test_primary_pollutant_only_above_50_and_all_on_a_tie() -> None:
    """HJ 633-2012 5.3: AQI > 50 names the largest; ties name them all. IAQI > 100 exceeds."""
    assert compute_aqi({"pm25": 35, "pm10": 50}, on=D2012).primary == ()
    tie = compute_aqi({"pm25": 60, "pm10": 120, "no2": 10}, on=D2026)
    assert (tie.aqi, set(tie.primary)) == (100, {"PM2.5", "PM10"})
    result = compute_aqi({"pm25": 150, "pm10": 250, "no2": 10}, on=D2012)
    assert result.primary == ("PM2.5",)
    assert result.exceeding == ("PM10", "PM2.5")
    arrays = compute_aqi_arrays({"pm25": [60.0], "pm10": [120.0]}, on=D2026)
    assert set(pollutant_names(int(arrays.primary[0]), standard_for(D2026))) == {"PM2.5", "PM10"}


@pytest.mark.parametrize(
    ("aqi_input", "level", "category", "colour"),
    [
        (50, 1, "优", "绿色"),
        (51, 2, "良", "黄色"),
        (100, 2, "良", "黄色"),
        (101, 3, "轻度污染", "橙色"),
        (150, 3, "轻度污染", "橙色"),
        (151, 4, "中度污染", "红色"),
        (200, 4, "中度污染", "红色"),
        (201, 5, "重度污染", "紫色"),
        (300, 5, "重度污染", "紫色"),
        (301, 6, "严重污染", "褐红色"),
    ],
)
def test_levels_categories_and_colours(
    aqi_input: int, level: int, category: str, colour: str
) -> None:
    """HJ 633-2012 表2: 0–50 一级 … >300 六级."""
    std = standard_for(D2012)
    assert (
        std.category_of(aqi_input).level,
        std.category_of(aqi_input).category,
        std.category_of(aqi_input).colour,
    ) == (level, category, colour)
    # the NO2 1-h row is linear with slope 1/2 below 200, so NO2 = 2·AQI gives exactly that AQI
    if aqi_input <= 100:
        result = compute_aqi({"no2": 2 * aqi_input}, report="hourly", on=D2012)
        assert (result.aqi, result.level, result.category) == (aqi_input, level, category)


def test_the_table_is_chosen_by_the_data_date() -> None:
    assert compute_aqi({"pm25": 75}, on=date(2026, 2, 28)).standard == "HJ 633-2012"
    assert compute_aqi({"pm25": 75}, on=date(2026, 2, 28)).aqi == 100
    after = compute_aqi({"pm25": 75}, on=date(2026, 3, 1))
    assert (after.standard, after.aqi) == ("HJ 633—2026", 114)
    assert "standard_unverified" in after.flags
    with pytest.raises(DomainError) as err:
        compute_aqi({"pm25": 75}, on=date(2010, 1, 1))
    assert err.value.code == "air.standard_unknown"


def test_na_is_never_zero() -> None:
    result = compute_aqi({"pm25": None, "pm10": float("nan"), "no2": "NA"}, on=D2012)
    assert result.aqi is None
    assert result.level is None
    assert result.missing == ("pm25", "pm10", "no2")
    partial = compute_aqi({"pm25": None, "pm10": 100}, on=D2012)
    assert partial.aqi == 75
    assert "pm25" not in partial.iaqi
    arrays = compute_aqi_arrays({"pm25": [np.nan], "pm10": [np.nan]}, on=D2012)
    assert math.isnan(arrays.aqi[0])
    assert arrays.level[0] == 0


@pytest.mark.parametrize(
    ("conc", "code", "field"),
    [
        ({"pm25": -1}, "air.negative", "pm25"),
        ({"pm25": "abc"}, "air.invalid", "pm25"),
        ({"co": 900}, "air.co_unit", "co"),
        ({"voc": 1}, "air.pollutant_unknown", "voc"),
        ({"so2_24h": 1}, "air.pollutant_unknown", "so2_24h"),
        ({"pm25": True}, "air.invalid", "pm25"),
    ],
)
def test_bad_input_names_the_field(conc: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(DomainError) as err:
        compute_aqi(conc, on=D2012)  # type: ignore[arg-type]
    assert (err.value.code, err.value.field) == (code, field)


def test_vector_bad_input_names_the_field_and_position() -> None:
    with pytest.raises(DomainError) as err:
        compute_aqi_arrays({"pm25": [1.0, -2.0]}, on=D2012)
    assert err.value.code == "air.negative"
    assert "(1,)" in err.value.message


def test_json_shape_of_the_cli_contract() -> None:
    doc = compute_aqi({"pm25": 80, "o3_8h": 100}, report="daily", on=D2012).to_json()
    assert {"aqi", "level", "category", "colour", "primary", "iaqi", "standard"} <= doc.keys()
    assert doc["iaqi"] == {"pm25": 107, "o3_8h": 50}
    assert (
        doc["aqi"],
        doc["level"],
        doc["category"],
        doc["colour"],
        doc["primary"],
        doc["standard"],
    ) == (107, 3, "轻度污染", "橙色", ["PM2.5"], "HJ 633-2012")


# ---------------------------------------------------------------- properties

_DAILY_KEYS = ("so2", "no2", "co", "pm10", "pm25", "o3_1h", "o3_8h")
_HOURLY_KEYS = (*_DAILY_KEYS, "so2_24h")


def _conc(key: str) -> st.SearchStrategy[Decimal | None]:
    top = 149 if key.startswith("co") else 4000
    places = 3 if key.startswith("co") else 2
    number = st.decimals(
        min_value=0, max_value=top, places=places, allow_nan=False, allow_infinity=False
    )
    return st.one_of(st.none(), number)


@st.composite
def _readings(draw: st.DrawFn) -> tuple[str, date, dict[str, Decimal | None]]:
    report = draw(st.sampled_from(["daily", "hourly"]))
    on = draw(st.sampled_from([D2012, D2026]))
    keys = _DAILY_KEYS if report == "daily" else _HOURLY_KEYS
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
    return report, on, {k: draw(_conc(k)) for k in chosen}


@settings(max_examples=400, deadline=None)
@given(_readings())
def test_numpy_path_equals_exact_path(case: tuple[str, date, dict[str, Decimal | None]]) -> None:
    report, on, conc = case
    exact = compute_aqi(conc, report=report, on=on)
    arrays = compute_aqi_arrays(
        {k: np.array([np.nan if v is None else float(v)]) for k, v in conc.items()},
        report=report,
        on=on,
    )
    vector_aqi = arrays.aqi[0]
    assert (None if math.isnan(vector_aqi) else int(vector_aqi)) == exact.aqi
    for key, value in exact.iaqi.items():
        assert arrays.iaqi[key][0] == value
    std = standard_for(on)
    assert pollutant_names(int(arrays.primary[0]), std) == exact.primary
    assert pollutant_names(int(arrays.exceeding[0]), std) == exact.exceeding
    assert (int(arrays.level[0]) or None) == exact.level


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(all_standards())),
    st.sampled_from(
        [
            "so2_24h",
            "no2_24h",
            "co_24h",
            "pm10_24h",
            "pm25_24h",
            "o3_1h",
            "o3_8h",
            "no2_1h",
            "co_1h",
            "so2_1h",
        ]
    ),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_iaqi_never_decreases_with_concentration(
    standard: Standard, indicator_key: str, a: float, b: float
) -> None:
    indicator = standard.indicators[indicator_key]
    top = float(indicator.top)
    low, high = sorted((a * top, b * top))
    from chengqu.air.aqi import iaqi_array

    values, _ = iaqi_array(indicator, np.array([low, high]), cap=standard.cap_iaqi)
    assert values[0] <= values[1]
    assert 0 <= values[0] <= 500
