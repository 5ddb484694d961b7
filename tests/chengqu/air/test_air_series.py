"""Hourly station data: validity rules, running and natural-day daily AQI equal the exact engine."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from chengqu.air.aqi import compute_aqi
from chengqu.air.series import (
    COLUMNS,
    HourlyPanel,
    daily_report,
    panel_from_rows,
    realtime_aqi,
    rolling_mean,
    running_daily_aqi,
)
from chengqu.air.warning import WarningLevel, decide_warning, evaluation_from_concentrations
from chengqu.common.errors import DomainError


def _panel(days: int, seed: int = 1, start: str = "2025-01-01T00") -> HourlyPanel:
    rng = np.random.default_rng(seed)
    hours = days * 24
    values = {
        "so2": rng.uniform(0, 120, (2, hours)).round(0),
        "no2": rng.uniform(0, 150, (2, hours)).round(0),
        "co": rng.uniform(0.2, 4, (2, hours)).round(1),
        "o3": rng.uniform(0, 260, (2, hours)).round(0),
        "pm10": rng.uniform(10, 400, (2, hours)).round(0),
        "pm25": rng.uniform(5, 300, (2, hours)).round(0),
    }
    return HourlyPanel(stations=("A", "B"), start=np.datetime64(start, "h"), values=values)


def test_24h_mean_needs_20_hours() -> None:
    """GB 3095-2012 表4: 24小时平均每日至少有20个小时平均浓度值."""
    row = np.full((1, 24), 50.0)
    row[0, :5] = np.nan  # 19 valid
    assert math.isnan(rolling_mean(row, 24, 20)[0, 23])
    row[0, 4] = 50.0  # 20 valid
    assert rolling_mean(row, 24, 20)[0, 23] == 50.0


def test_8h_o3_needs_6_of_8() -> None:
    """GB 3095-2012 表4: 臭氧8小时平均每8小时至少有6小时平均浓度值."""
    row = np.full((1, 8), 100.0)
    row[0, :3] = np.nan
    assert math.isnan(rolling_mean(row, 8, 6)[0, 7])
    row[0, 2] = 100.0
    assert rolling_mean(row, 8, 6)[0, 7] == 100.0


def test_running_daily_aqi_equals_the_exact_engine_on_trailing_24_hours() -> None:
    panel = _panel(3)
    result = running_daily_aqi(panel)
    for station, t in [(0, 30), (1, 47), (0, 71)]:
        window = {c: panel.values[c][station, t - 23 : t + 1] for c in COLUMNS}
        eights = [panel.values["o3"][station, e - 7 : e + 1].mean() for e in range(t - 23, t + 1)]
        conc = {c: float(window[c].mean()) for c in ("so2", "no2", "co", "pm10", "pm25")}
        conc["o3_1h"] = float(window["o3"].max())
        conc["o3_8h"] = float(max(eights))
        exact = compute_aqi(conc, report="daily", on=date(2025, 1, 1))
        assert result.result.aqi[station, t] == exact.aqi


def test_daily_report_equals_the_exact_engine_on_each_natural_day() -> None:
    panel = _panel(2, seed=3)
    result = daily_report(panel)
    for station in (0, 1):
        for day in (0, 1):
            hours = slice(day * 24, day * 24 + 24)
            o3 = panel.values["o3"][station, hours]
            conc = {
                c: float(panel.values[c][station, hours].mean())
                for c in ("so2", "no2", "co", "pm10", "pm25")
            }
            conc["o3_1h"] = float(o3.max())
            conc["o3_8h"] = float(max(o3[e - 7 : e + 1].mean() for e in range(7, 24)))
            exact = compute_aqi(conc, report="daily", on=date(2025, 1, 1) + timedelta(days=day))
            assert result.result.aqi[station, day] == exact.aqi


def test_realtime_aqi_equals_the_exact_hourly_engine() -> None:
    panel = _panel(1, seed=5)
    result = realtime_aqi(panel)
    t = 20
    conc = {c: float(panel.values[c][0, t]) for c in ("so2", "no2", "co", "pm10", "pm25")}
    conc["o3_1h"] = float(panel.values["o3"][0, t])
    conc["o3_8h"] = float(panel.values["o3"][0, t - 7 : t + 1].mean())
    assert result.result.aqi[0, t] == compute_aqi(conc, report="hourly", on=date(2025, 1, 1)).aqi


def test_a_series_across_2026_03_01_uses_both_tables() -> None:
    values = {c: np.full((1, 48), 1.0) for c in COLUMNS}
    values["pm25"][:] = 75.0
    panel = HourlyPanel(("A",), np.datetime64("2026-02-28T00", "h"), values)
    report = daily_report(panel)
    assert list(report.result.aqi[0]) == [100.0, 114.0]
    assert list(report.standards) == ["HJ 633-2012", "HJ 633—2026"]


def test_missing_data_is_na_in_the_daily_report_not_zero() -> None:
    panel = _panel(1)
    for c in COLUMNS:
        panel.values[c][0, :10] = np.nan
    result = daily_report(panel)
    assert math.isnan(result.result.aqi[0, 0])
    assert next(result.rows())["aqi"] == "NA"


def _rows(n: int = 3) -> tuple[list[str], list[str], dict[str, list[object]]]:
    stations = ["A"] * n
    times = [f"2025-01-01 {h:02d}:00" for h in range(n)]
    return stations, times, {c: ["1"] * n for c in COLUMNS}


def test_panel_from_rows_places_values_on_the_hourly_grid() -> None:
    stations, times, cols = _rows()
    cols["pm25"] = ["10", "", "NA"]
    panel = panel_from_rows(stations, times, cols)
    assert panel.n_hours == 24
    assert panel.values["pm25"][0, 0] == 10.0
    assert math.isnan(panel.values["pm25"][0, 1])


@pytest.mark.parametrize(
    ("mutate", "code", "field", "row"),
    [
        (lambda s, t, c: t.__setitem__(1, "2025-01-01 00:00"), "air.duplicate", "time", 3),
        (lambda s, t, c: t.__setitem__(2, "2025-01-01 02:30"), "air.time_not_hourly", "time", 4),
        (lambda s, t, c: c["pm10"].__setitem__(1, "-3"), "air.negative", "pm10", 3),
        (lambda s, t, c: c["no2"].__setitem__(0, "abc"), "air.invalid", "no2", 2),
        (lambda s, t, c: c["co"].__setitem__(2, "900"), "air.co_unit", "co", 4),
        (lambda s, t, c: c.pop("o3"), "air.column_missing", "o3", None),
    ],
)
def test_bad_rows_are_named(mutate: object, code: str, field: str, row: int | None) -> None:
    stations, times, cols = _rows()
    mutate(stations, times, cols)  # type: ignore[operator]
    with pytest.raises(DomainError) as err:
        panel_from_rows(stations, times, cols)
    assert (err.value.code, err.value.field) == (code, field)
    if row is not None:
        assert f"第 {row} 行" in err.value.message


def test_warning_from_hourly_concentrations() -> None:
    """3.1(1): the evaluation series of hourly data is the 24-hour running daily AQI."""
    values = {c: np.full((2, 24 * 4), 5.0) for c in COLUMNS}
    values["co"][:] = 0.5
    values["pm25"][:, :] = 160.0  # IAQI 210 from the first valid window on
    panel = HourlyPanel(("A", "B"), np.datetime64("2025-01-01T00", "h"), values)
    decision = decide_warning(evaluation_from_concentrations(panel))
    assert decision.level is WarningLevel.ORANGE  # > 200 for 48 h and more, never > 300
