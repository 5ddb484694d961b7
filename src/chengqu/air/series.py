"""Hourly station data in bulk: real-time AQI, the 24-hour running daily AQI and the natural-day report.

Data sit on a regular hourly grid per station (``HourlyPanel``: stations × hours, NaN = missing).
An hour is labelled by its timestamp and belongs to that timestamp's calendar day (00:00–23:00),
local time (Asia/Shanghai). Means follow GB 3095-2012 表4: a 24-h mean needs at least 20 hourly
values, an 8-h O3 mean at least 6 of 8; otherwise NA (NaN), never zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import numpy as np
import numpy.typing as npt

from chengqu.air.aqi import AqiArrays, compute_aqi_arrays, pollutant_names
from chengqu.air.standards import Report, Standard, all_standards, standard_for
from chengqu.common.clock import to_local
from chengqu.common.errors import DomainError

FloatArray = npt.NDArray[np.float64]
COLUMNS: tuple[str, ...] = ("so2", "no2", "co", "o3", "pm10", "pm25")
HOUR = np.timedelta64(1, "h")


@dataclass(frozen=True, slots=True)
class HourlyPanel:
    """Hourly concentrations on a regular grid: ``values[col]`` has shape (stations, hours)."""

    stations: tuple[str, ...]
    start: np.datetime64
    values: dict[str, FloatArray]

    @property
    def n_hours(self) -> int:
        return int(next(iter(self.values.values())).shape[1])

    def hours(self) -> npt.NDArray[np.datetime64]:
        return self.start + np.arange(self.n_hours) * HOUR


def _parse_time(value: object, row: int) -> np.datetime64:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = to_local(value).replace(tzinfo=None)
        stamp = np.datetime64(value, "s")
    elif isinstance(value, np.datetime64):
        stamp = value.astype("datetime64[s]")
    else:
        text = str(value).strip().replace("T", " ")
        try:
            stamp = np.datetime64(text.replace(" ", "T"), "s")
        except ValueError:
            raise DomainError(
                "air.time", f"第 {row} 行的时间无法识别: {value!r}", field="time"
            ) from None
    if stamp != stamp.astype("datetime64[h]"):
        raise DomainError(
            "air.time_not_hourly", f"第 {row} 行的时间不是整点: {value}", field="time"
        )
    hour: np.datetime64 = stamp.astype("datetime64[h]")
    return hour


def _parse_value(value: object, row: int, column: str) -> float:
    if value is None:
        return float("nan")
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if text.upper() in ("", "NA", "NAN", "N/A", "—", "-"):
            return float("nan")
        try:
            number = float(Decimal(text))
        except InvalidOperation:
            raise DomainError(
                "air.invalid", f"第 {row} 行 {column} 不是数值: {value!r}", field=column
            ) from None
    if number < 0:
        raise DomainError("air.negative", f"第 {row} 行 {column} 为负数: {number:g}", field=column)
    return number


def panel_from_rows(
    stations: Sequence[str],
    times: Sequence[object],
    columns: Mapping[str, Sequence[object]],
    *,
    first_row: int = 2,
    co_unit_suspect_above: Decimal | None = None,
) -> HourlyPanel:
    """A panel from row-wise records (CSV columns ``station,time,so2,no2,co,o3,pm10,pm25``).

    Refuses, naming the row (``first_row`` is the number of the first record, 2 after a header)
    and the field: a missing column, a timestamp not on the hour, a duplicate station-hour, a
    negative or non-numeric value, CO that looks like µg/m³. Empty cells and ``NA`` are NA.

    Source: HJ 633-2012 5.2 (hourly data); GB 3095-2012 表4.
    """
    absent = [c for c in COLUMNS if c not in columns]
    if absent:
        raise DomainError("air.column_missing", "缺少列: " + ", ".join(absent), field=absent[0])
    n = len(stations)
    if n == 0:
        raise DomainError("air.empty", "没有任何数据行", field="rows")
    if len(times) != n or any(len(columns[c]) != n for c in COLUMNS):
        raise DomainError("air.shape", "各列行数不一致", field="rows")
    co_limit = float(
        co_unit_suspect_above
        if co_unit_suspect_above is not None
        else all_standards()[-1].co_unit_suspect_above
    )
    stamps = np.array(
        [_parse_time(t, first_row + i) for i, t in enumerate(times)], dtype="datetime64[h]"
    )
    names = sorted(set(stations))
    index = {name: i for i, name in enumerate(names)}
    station_idx = np.array([index[s] for s in stations], dtype=np.int64)
    start = stamps.min().astype("datetime64[D]").astype("datetime64[h]")
    end = stamps.max().astype("datetime64[D]").astype("datetime64[h]") + 24 * HOUR
    n_hours = int((end - start) / HOUR)
    hour_idx = ((stamps - start) / HOUR).astype(np.int64)
    flat = station_idx * n_hours + hour_idx
    order = np.argsort(flat, kind="stable")
    duplicate = np.flatnonzero(flat[order][1:] == flat[order][:-1])
    if duplicate.size:
        row = int(order[duplicate[0] + 1]) + first_row
        raise DomainError(
            "air.duplicate",
            f"第 {row} 行与前面的行重复: 站点 {stations[row - first_row]} 时间 {stamps[row - first_row]}",
            field="time",
        )
    values: dict[str, FloatArray] = {}
    for column in COLUMNS:
        parsed = np.array(
            [_parse_value(v, first_row + i, column) for i, v in enumerate(columns[column])]
        )
        if column == "co":
            suspect = parsed > co_limit
            if suspect.any():
                row = int(np.argmax(suspect)) + first_row
                raise DomainError(
                    "air.co_unit",
                    f"第 {row} 行 CO 浓度 {parsed[row - first_row]:g} 超过 {co_limit:g} mg/m³, 疑似以 µg/m³ 填报",
                    field="co",
                )
        grid = np.full((len(names), n_hours), np.nan)
        grid.reshape(-1)[flat] = parsed
        values[column] = grid
    return HourlyPanel(stations=tuple(names), start=start, values=values)


# ---------------------------------------------------------------- rolling statistics


def rolling_mean(values: FloatArray, window: int, min_count: int) -> FloatArray:
    """Trailing mean over ``window`` hours along the last axis; NaN where fewer than ``min_count`` values.

    Hours before the first column count as missing, so the first ``min_count - 1`` hours are NA.
    """
    valid = ~np.isnan(values)
    filled = np.where(valid, values, 0.0)
    pad = [(0, 0)] * (values.ndim - 1) + [(1, 0)]
    sums = np.pad(np.cumsum(filled, axis=-1), pad)
    counts = np.pad(np.cumsum(valid, axis=-1, dtype=np.int64), pad)
    lag = np.maximum(np.arange(values.shape[-1]) + 1 - window, 0)
    upto = np.arange(1, values.shape[-1] + 1)
    total = sums[..., upto] - sums[..., lag]
    count = counts[..., upto] - counts[..., lag]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: FloatArray = total / count
    mean[count < min_count] = np.nan
    return mean


def rolling_count(valid: npt.NDArray[np.bool_], window: int) -> npt.NDArray[np.int64]:
    """How many of the trailing ``window`` entries are valid, along the last axis."""
    pad = [(0, 0)] * (valid.ndim - 1) + [(1, 0)]
    counts = np.pad(np.cumsum(valid, axis=-1, dtype=np.int64), pad)
    lag = np.maximum(np.arange(valid.shape[-1]) + 1 - window, 0)
    return counts[..., np.arange(1, valid.shape[-1] + 1)] - counts[..., lag]


def rolling_max(values: FloatArray, window: int) -> FloatArray:
    """Trailing maximum over ``window`` entries along the last axis (NaN ignored; all-NaN is NaN).

    Built from maxima over power-of-two spans, so the cost grows with log2(window), not window.
    """
    result = np.full_like(values, np.nan)
    power = values  # the maximum over the trailing `span` entries
    span, offset, remaining = 1, 0, window
    while remaining:
        if remaining & 1:
            np.fmax(result, _shift(power, offset), out=result)
            offset += span
        remaining >>= 1
        if remaining:
            power = np.fmax(power, _shift(power, span))
            span *= 2
    return result


def _shift(values: FloatArray, by: int) -> FloatArray:
    """The array delayed by ``by`` entries along the last axis, NaN shifted in."""
    if by == 0:
        return values
    shifted = np.full_like(values, np.nan)
    if by < values.shape[-1]:
        shifted[..., by:] = values[..., :-by]
    return shifted


# ---------------------------------------------------------------- AQI over a panel


@dataclass(frozen=True, slots=True)
class PanelAqi:
    """AQI per station and period (hours or days) with the inputs that produced it."""

    stations: tuple[str, ...]
    periods: npt.NDArray[np.datetime64]
    report: Report
    inputs: dict[str, FloatArray]
    result: AqiArrays
    standards: npt.NDArray[np.str_]

    def rows(self) -> Iterator[dict[str, str]]:
        """CSV rows: station, time, aqi (or NA), level, category, primary, and every input and IAQI."""
        by_name = {s.name: s for s in all_standards()}
        for i, station in enumerate(self.stations):
            for j, period in enumerate(self.periods):
                standard = by_name[str(self.standards[j])]
                aqi = self.result.aqi[i, j]
                na = bool(np.isnan(aqi))
                row = {
                    "station": station,
                    "time": str(period).replace("T", " "),
                    "aqi": "NA" if na else str(int(aqi)),
                    "level": "" if na else str(int(self.result.level[i, j])),
                    "category": "" if na else standard.category_of(int(aqi)).category,
                    "primary": ";".join(pollutant_names(int(self.result.primary[i, j]), standard)),
                    "standard": standard.name,
                }
                for key, array in self.inputs.items():
                    value = array[i, j]
                    row[key] = "NA" if np.isnan(value) else f"{value:.4g}"
                for key, array in self.result.iaqi.items():
                    value = array[i, j]
                    row[f"iaqi_{key}"] = "NA" if np.isnan(value) else str(int(value))
                yield row


def _by_standard(
    periods: npt.NDArray[np.datetime64],
    inputs: dict[str, FloatArray],
    report: Report,
) -> tuple[AqiArrays, npt.NDArray[np.str_]]:
    """Compute the AQI with the table in force on each period's date (splitting at 2026-03-01)."""
    days = periods.astype("datetime64[D]")
    names = np.empty(len(periods), dtype=object)
    shape = next(iter(inputs.values())).shape
    aqi = np.full(shape, np.nan)
    level = np.zeros(shape, dtype=np.int8)
    primary = np.zeros(shape, dtype=np.uint8)
    exceeding = np.zeros(shape, dtype=np.uint8)
    above = np.zeros(shape, dtype=np.bool_)
    iaqi: dict[str, FloatArray] = {}
    first = date.fromisoformat(str(days[0]))
    if first < all_standards()[0].effective:
        standard_for(first)  # raises the clear error
    for standard in all_standards():
        low = np.datetime64(standard.effective.isoformat(), "D")
        mask = days >= low
        if standard.expires is not None:
            mask &= days < np.datetime64(standard.expires.isoformat(), "D")
        if not mask.any():
            continue
        cols = np.flatnonzero(mask)
        sl = slice(int(cols[0]), int(cols[-1]) + 1)
        part = compute_aqi_arrays(
            {k: v[..., sl] for k, v in inputs.items()},
            report=report,
            standard=standard,
            validate=False,
        )
        aqi[..., sl] = part.aqi
        level[..., sl] = part.level
        primary[..., sl] = part.primary
        exceeding[..., sl] = part.exceeding
        above[..., sl] = part.above_table
        for key, values in part.iaqi.items():
            iaqi.setdefault(key, np.full(shape, np.nan))[..., sl] = values
        names[sl] = standard.name
    result = AqiArrays(
        aqi=aqi,
        level=level,
        iaqi=iaqi,
        primary=primary,
        exceeding=exceeding,
        above_table=above,
        standard="/".join(dict.fromkeys(str(n) for n in names)),
    )
    return result, names.astype(str)


def _validity(standard: Standard | None = None) -> tuple[int, int, int, float]:
    std = standard or all_standards()[-1]
    return std.min_hours_24h, std.min_hours_8h, std.min_windows_o3_8h_max, float(std.o3_8h_limit)


def realtime_aqi(panel: HourlyPanel) -> PanelAqi:
    """The real-time (hourly) AQI of every station-hour: 1-h values, O3 also as its 8-h running mean.

    Source: HJ 633-2012 5.2, 表1 注(1)(2); GB 3095-2012 表4.
    """
    min_24h, min_8h, _, _ = _validity()
    v = panel.values
    inputs = {
        "so2": v["so2"],
        "no2": v["no2"],
        "co": v["co"],
        "pm10": v["pm10"],
        "pm25": v["pm25"],
        "o3_1h": v["o3"],
        "o3_8h": rolling_mean(v["o3"], 8, min_8h),
        "so2_24h": rolling_mean(v["so2"], 24, min_24h),
    }
    periods = panel.hours()
    result, names = _by_standard(periods, inputs, Report.HOURLY)
    return PanelAqi(panel.stations, periods, Report.HOURLY, inputs, result, names)


def _o3_8h_max(eight: FloatArray, window: int, min_windows: int, limit: float) -> FloatArray:
    peak = rolling_max(eight, window)
    count = rolling_count(~np.isnan(eight), window)
    peak[(count < min_windows) & ~(peak > limit)] = np.nan
    return peak


def running_daily_aqi(panel: HourlyPanel) -> PanelAqi:
    """The "daily AQI" at every hour over the trailing 24 hours (crossing midnight).

    24-h running means of SO2, NO2, CO, PM10, PM2.5; O3: the largest 8-h running mean and the
    largest 1-h value in the trailing 24 h. Each is NA without enough valid hours.

    Source: 城政办发〔2024〕1号 3.1 (连续24小时滑动平均); HJ 633-2012 5.1; GB 3095-2012 表4; HJ 663-2013.
    """
    min_24h, min_8h, min_windows, limit = _validity()
    v = panel.values
    eight = rolling_mean(v["o3"], 8, min_8h)
    o3_1h = rolling_max(v["o3"], 24)
    o3_1h[rolling_count(~np.isnan(v["o3"]), 24) < min_24h] = np.nan
    inputs = {c: rolling_mean(v[c], 24, min_24h) for c in ("so2", "no2", "co", "pm10", "pm25")}
    inputs["o3_1h"] = o3_1h
    inputs["o3_8h"] = _o3_8h_max(eight, 24, min_windows, limit)
    periods = panel.hours()
    result, names = _by_standard(periods, inputs, Report.DAILY)
    return PanelAqi(panel.stations, periods, Report.DAILY, inputs, result, names)


def daily_report(panel: HourlyPanel) -> PanelAqi:
    """The natural-day daily report (00:00–23:00) of every station-day.

    O3 8-h: the largest of the 17 8-h means lying within the day, valid with at least 14 of them or
    when the largest exceeds the grade II limit (HJ 663-2013).

    Source: HJ 633-2012 5.1; GB 3095-2012 表4; HJ 663-2013.
    """
    min_24h, min_8h, min_windows, limit = _validity()
    if panel.n_hours % 24 or (panel.start - panel.start.astype("datetime64[D]")) != np.timedelta64(
        0, "h"
    ):
        raise DomainError("air.panel", "日报需要从零点开始的整日数据", field="time")
    n_stations, n_days = len(panel.stations), panel.n_hours // 24
    v = panel.values
    inputs: dict[str, FloatArray] = {}
    for column in ("so2", "no2", "co", "pm10", "pm25"):
        days = v[column].reshape(n_stations, n_days, 24)
        count = (~np.isnan(days)).sum(axis=-1)
        with np.errstate(invalid="ignore"):
            mean = np.where(count > 0, np.nansum(days, axis=-1) / np.maximum(count, 1), np.nan)
        mean[count < min_24h] = np.nan
        inputs[column] = mean
    o3 = v["o3"].reshape(n_stations, n_days, 24)
    count = (~np.isnan(o3)).sum(axis=-1)
    with np.errstate(invalid="ignore"):
        peak = np.where(
            count > 0, np.fmax.reduce(np.where(np.isnan(o3), -np.inf, o3), axis=-1), np.nan
        )
    peak[count < min_24h] = np.nan
    inputs["o3_1h"] = peak
    eight = rolling_mean(o3, 8, min_8h)[..., 7:]  # windows wholly inside the day: 17 of them
    valid = (~np.isnan(eight)).sum(axis=-1)
    with np.errstate(invalid="ignore"):
        best = np.where(
            valid > 0, np.fmax.reduce(np.where(np.isnan(eight), -np.inf, eight), axis=-1), np.nan
        )
    best[(valid < min_windows) & ~(best > limit)] = np.nan
    inputs["o3_8h"] = best
    periods = panel.start.astype("datetime64[D]") + np.arange(n_days).astype("timedelta64[D]")
    result, names = _by_standard(periods, inputs, Report.DAILY)
    return PanelAqi(panel.stations, periods, Report.DAILY, inputs, result, names)
