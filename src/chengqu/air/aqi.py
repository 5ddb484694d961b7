"""Air quality index by HJ 633: one reading exactly (Fraction), arrays of readings fast (numpy).

The scalar path computes every sub-index as an exact rational number and rounds it up (进位取整), so a
concentration on a breakpoint gives exactly that breakpoint's IAQI. The numpy path counts exact
float thresholds with bucketed look-up tables (:mod:`chengqu.air.kernel`): it gives the scalar
path's result for every float input, read as its shortest decimal (tested with hypothesis and on
every breakpoint), without interpolating in floating point at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from chengqu.air import kernel
from chengqu.air.standards import AboveTop, Indicator, Report, Standard, standard_for
from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Pollutants in the order used for bit masks and for listing primary pollutants.
POLLUTANTS: tuple[str, ...] = ("so2", "no2", "co", "o3", "pm10", "pm25")
POLLUTANT_BIT: dict[str, int] = {p: 1 << i for i, p in enumerate(POLLUTANTS)}

ConcentrationInput = Decimal | int | float | str | None

# Flags a result can carry (stable strings for programs; notes explain them in Chinese).
FLAG_ABOVE_TABLE = "above_table"
FLAG_SUBSTITUTED = "substituted"
FLAG_SUBSTITUTE_MISSING = "substitute_missing"
FLAG_FIXED = "fixed_above_top"
FLAG_NA = "na"
FLAG_UNVERIFIED = "standard_unverified"


@dataclass(frozen=True, slots=True)
class AqiResult:
    """The AQI of one set of readings, with every sub-index and the rules that produced it."""

    aqi: int | None
    level: int | None
    level_name: str | None
    category: str | None
    colour: str | None
    rgb: str | None
    health: str | None
    advice: str | None
    primary: tuple[str, ...]
    exceeding: tuple[str, ...]
    iaqi: Mapping[str, int]
    missing: tuple[str, ...]
    standard: str
    report: Report
    flags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The `chengqu air aqi --json` document: aqi, level, category, colour, primary, iaqi, standard."""
        return {
            "aqi": self.aqi,
            "level": self.level,
            "category": self.category,
            "colour": self.colour,
            "primary": list(self.primary),
            "iaqi": dict(self.iaqi),
            "standard": self.standard,
            "report": self.report.value,
            "rgb": self.rgb,
            "exceeding": list(self.exceeding),
            "missing": list(self.missing),
            "flags": list(self.flags),
            "notes": list(self.notes),
            "citations": [
                {"document": c.document, "clause": c.clause, "text": c.text} for c in self.citations
            ],
        }


# ---------------------------------------------------------------- input parsing


def parse_concentration(value: ConcentrationInput, *, key: str) -> Fraction | None:
    """An exact concentration from user input; None (or NaN, "", "NA") is NA; refuses bad values."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise DomainError("air.invalid", f"{key} 的浓度不是数值: {value!r}", field=key)
    number: Decimal
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        number = Decimal(repr(value))  # the shortest decimal that reads back as this float
    elif isinstance(value, str):
        text = value.strip()
        if text.upper() in ("", "NA", "NAN", "N/A", "—", "-"):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(
                "air.invalid", f"{key} 的浓度不是数值: {value!r}", field=key
            ) from None
    else:
        raise DomainError(
            "air.invalid", f"{key} 的浓度类型不正确: {type(value).__name__}", field=key
        )
    if number.is_nan():
        return None
    if not number.is_finite():
        raise DomainError("air.invalid", f"{key} 的浓度必须是有限数: {value!r}", field=key)
    if number < 0:
        raise DomainError("air.negative", f"{key} 的浓度不能为负数: {value}", field=key)
    return Fraction(number)


def _check_co_unit(standard: Standard, key: str, value: Fraction) -> None:
    if key in ("co", "co_1h", "co_24h") and value > Fraction(standard.co_unit_suspect_above):
        raise DomainError(
            "air.co_unit",
            f"CO 浓度 {float(value):g} 超过 {standard.co_unit_suspect_above} mg/m³, 疑似以 µg/m³ 填报; "
            "CO 应以 mg/m³ 为单位",
            field=key,
        )


def _input_keys(standard: Standard, report: Report) -> dict[str, str]:
    keys = dict(standard.reports[report])
    if report is Report.HOURLY:
        keys.update(standard.substitutes)
    return keys


# ---------------------------------------------------------------- the scalar path


def iaqi_exact(indicator: Indicator, concentration: Fraction) -> int | None:
    """The sub-index of a concentration within the row, or None when it lies above the row's top."""
    if concentration > Fraction(indicator.top):
        return None
    return indicator.interpolate(concentration)


def compute_aqi(
    concentrations: Mapping[str, ConcentrationInput],
    *,
    report: Report | str = Report.DAILY,
    on: date,
    standard: Standard | None = None,
) -> AqiResult:
    """The AQI, level, category, colour, primary and exceeding pollutants of one set of readings.

    Keys: ``so2 no2 co pm10 pm25 o3_1h o3_8h`` (µg/m³, CO mg/m³); in the hourly report also
    ``so2_24h`` (read only when SO2 1-h is above 800 under HJ 633-2012 note 2). In the daily report
    the values are 24-h means (O3: the day's largest 1-h and 8-h means); in the hourly report 1-h
    values, PM read against the 24-h rows. Missing keys are left out; None/NaN is NA, never zero.

    Source: HJ 633-2012 表1 注(1)–(3), 5.1–5.4, 表2; HJ 633—2026 表3 注a–c (chosen by ``on``).
    """
    std = standard or standard_for(on)
    try:
        kind = Report(report)
    except ValueError:
        raise DomainError(
            "air.report", f"报告类型应为 daily 或 hourly: {report}", field="report"
        ) from None
    allowed = _input_keys(std, kind)
    values: dict[str, Fraction] = {}
    missing: list[str] = []
    for key, raw in concentrations.items():
        if key not in allowed:
            raise DomainError(
                "air.pollutant_unknown", f"{kind.value} 报告不接受污染物项目 {key}", field=key
            )
        parsed = parse_concentration(raw, key=key)
        if parsed is None:
            missing.append(key)
            continue
        _check_co_unit(std, key, parsed)
        values[key] = parsed

    report_inputs = std.reports[kind]
    by_indicator = {indicator: key for key, indicator in allowed.items()}
    iaqi: dict[str, int] = {}
    flags: list[str] = []
    notes: list[str] = []
    citations: list[Citation] = [std.cite(kind.value), std.cite("table"), std.cite("rounding")]

    def sub_index(key: str) -> int:
        indicator = std.indicators[allowed[key]]
        value = values[key]
        exact = iaqi_exact(indicator, value)
        if exact is not None:
            return exact
        if indicator.above_top is AboveTop.CAP:
            flags.append(f"{FLAG_ABOVE_TABLE}:{key}")
            notes.append(
                f"{key} 浓度 {float(value):g} 超出{std.name}表列最高浓度限值 {indicator.top}, 分指数按 {std.cap_iaqi} 报告"
            )
            citations.append(std.cite("above_table"))
            return std.cap_iaqi
        if indicator.above_citation is not None:
            citations.append(indicator.above_citation)
        assert indicator.above_iaqi is not None
        if indicator.above_top is AboveTop.FIXED:
            flags.append(f"{FLAG_FIXED}:{key}")
            notes.append(
                f"{key} 浓度 {float(value):g} 高于 {indicator.top}, 分指数按 {indicator.above_iaqi} 计"
            )
            return indicator.above_iaqi
        substitute_key = by_indicator.get(str(indicator.substitute))
        if substitute_key is not None and substitute_key in values:
            flags.append(f"{FLAG_SUBSTITUTED}:{key}>{substitute_key}")
            notes.append(
                f"{key} 浓度 {float(value):g} 高于 {indicator.top}, 不再计算其分指数, 按 {substitute_key} 的分指数报告"
            )
            return sub_index(substitute_key)
        flags.append(f"{FLAG_SUBSTITUTE_MISSING}:{key}")
        notes.append(
            f"{key} 浓度 {float(value):g} 高于 {indicator.top}, 应按 {indicator.substitute} 的分指数报告, 但未提供该值; "
            f"暂按 {indicator.above_iaqi} 报告"
        )
        return indicator.above_iaqi

    for key in report_inputs:
        if key in values:
            iaqi[key] = sub_index(key)

    if missing:
        flags.append(FLAG_NA + ":" + ",".join(missing))
        notes.append("以下项目为无效数据(NA), 未参与计算: " + "、".join(missing))
        citations.append(std.cite("validity"))
    if not std.verified:
        flags.append(FLAG_UNVERIFIED)
        notes.append(f"{std.name} 的浓度限值表尚未与正式文本逐项核对, 见规则表说明")

    if not iaqi:
        return AqiResult(
            aqi=None,
            level=None,
            level_name=None,
            category=None,
            colour=None,
            rgb=None,
            health=None,
            advice=None,
            primary=(),
            exceeding=(),
            iaqi={},
            missing=tuple(missing),
            standard=std.name,
            report=kind,
            flags=tuple(dict.fromkeys(flags)),
            citations=tuple(dict.fromkeys(citations)),
            notes=(*dict.fromkeys(notes), "没有有效的污染物浓度, AQI 为 NA"),
        )
    aqi = max(iaqi.values())
    pollutant_of = {key: std.indicators[allowed[key]].pollutant for key in iaqi}
    primary: tuple[str, ...] = ()
    if aqi > std.primary_above:
        tops = {pollutant_of[key] for key, v in iaqi.items() if v == aqi}
        primary = tuple(std.pollutant_names[p] for p in POLLUTANTS if p in tops)
    over = {pollutant_of[key] for key, v in iaqi.items() if v > std.exceeding_above}
    exceeding = tuple(std.pollutant_names[p] for p in POLLUTANTS if p in over)
    citations.append(std.cite("primary"))
    citations.append(std.cite("categories"))
    category = std.category_of(aqi)
    return AqiResult(
        aqi=aqi,
        level=category.level,
        level_name=category.level_name,
        category=category.category,
        colour=category.colour,
        rgb=category.rgb,
        health=category.health,
        advice=category.advice,
        primary=primary,
        exceeding=exceeding,
        iaqi=iaqi,
        missing=tuple(missing),
        standard=std.name,
        report=kind,
        flags=tuple(dict.fromkeys(flags)),
        citations=tuple(dict.fromkeys(citations)),
        notes=tuple(dict.fromkeys(notes)),
    )


# ---------------------------------------------------------------- the numpy path


@dataclass(frozen=True, slots=True)
class AqiBuffers:
    """Output arrays for :func:`compute_aqi_arrays`, allocated once and reused chunk after chunk."""

    aqi: FloatArray
    level: npt.NDArray[np.int8]
    primary: npt.NDArray[np.uint8]
    exceeding: npt.NDArray[np.uint8]
    above: BoolArray
    sub: npt.NDArray[np.int16]  # (rows, size): the int16 sub-indexes, NA = -1

    @classmethod
    def for_size(cls, size: int, rows: int = 8) -> AqiBuffers:
        return cls(
            np.empty(size),
            np.empty(size, dtype=np.int8),
            np.empty(size, dtype=np.uint8),
            np.empty(size, dtype=np.uint8),
            np.empty(size, dtype=np.bool_),
            np.empty((rows, size), dtype=np.int16),
        )

    def fits(self, size: int, rows: int) -> bool:
        return bool(
            self.aqi.shape[0] >= size and self.sub.shape[0] >= rows and self.sub.shape[1] >= size
        )


# int16 sub-index (NA = -1, read with mode="wrap" as the last entry) → float (NaN = NA)
_IAQI_FLOAT = np.array([*range(501), np.nan], dtype=np.float64)


def _to_float(sub_indexes: npt.NDArray[np.int16]) -> FloatArray:
    return _IAQI_FLOAT.take(sub_indexes, mode="wrap")


class SubIndexes(Mapping[str, FloatArray]):
    """Sub-indexes per input key, held as int16 (NA = -1) and read as float arrays (NaN = NA).

    The conversion happens on first access, so the batch path does not spend memory bandwidth on
    float copies nobody reads.
    """

    def __init__(
        self, keys: list[str], values: npt.NDArray[np.int16], shape: tuple[int, ...]
    ) -> None:
        self._rows = {key: i for i, key in enumerate(keys)}
        self._values = values
        self._shape = shape
        self._floats: dict[str, FloatArray] = {}

    def __getitem__(self, key: str) -> FloatArray:
        if key not in self._floats:
            self._floats[key] = _to_float(self._values[self._rows[key]]).reshape(self._shape)
        return self._floats[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True, slots=True)
class AqiArrays:
    """AQI of many readings at once; NaN (or 0 in ``level``) is NA.

    ``primary`` and ``exceeding`` are bit masks over :data:`POLLUTANTS`; ``above_table`` marks a
    reading with any sub-index past its row (capped, fixed or substituted).
    """

    aqi: FloatArray
    level: npt.NDArray[np.int8]
    iaqi: Mapping[str, FloatArray]
    primary: npt.NDArray[np.uint8]
    exceeding: npt.NDArray[np.uint8]
    above_table: BoolArray
    standard: str


def iaqi_array(
    indicator: Indicator, values: npt.ArrayLike, *, cap: int
) -> tuple[FloatArray, BoolArray]:
    """Sub-indexes of an array of concentrations (NaN stays NaN) and where they lie above the row.

    Above the row the CAP rule gives ``cap`` and the FIXED rule its fixed value; the SUBSTITUTE rule
    leaves the fallback value, which :func:`compute_aqi_arrays` replaces when it can.
    """
    array = np.asarray(values, dtype=np.float64)
    flat = np.ascontiguousarray(array).reshape(-1)
    table = kernel.row_table(indicator, cap)
    out = np.empty(flat.size, dtype=np.int16)
    above = np.zeros(flat.size, dtype=np.bool_)
    work = kernel.Workspace(kernel.BLOCK)
    for start in range(0, flat.size, kernel.BLOCK):
        stop = min(start + kernel.BLOCK, flat.size)
        kernel.sub_index_row(table, flat[start:stop], work, out[start:stop], above[start:stop])
    return _to_float(out).reshape(array.shape), above.reshape(array.shape)


def _as_float_array(key: str, values: npt.ArrayLike, shape: tuple[int, ...] | None) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if shape is not None and array.shape != shape:
        raise DomainError(
            "air.shape", f"{key} 的数组形状 {array.shape} 与其他项目 {shape} 不一致", field=key
        )
    return array


def _first_index(mask: BoolArray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def validate_array(standard: Standard, key: str, array: FloatArray) -> None:
    """Refuse negative concentrations and CO in µg/m³, naming the first offending position."""
    negative = array < 0
    if negative.any():
        where = _first_index(negative)
        raise DomainError(
            "air.negative", f"{key} 第 {where} 项浓度为负数: {array[where]}", field=key
        )
    if key in ("co", "co_1h", "co_24h"):
        suspect = array > float(standard.co_unit_suspect_above)
        if suspect.any():
            where = _first_index(suspect)
            raise DomainError(
                "air.co_unit",
                f"CO 第 {where} 项浓度 {array[where]:g} 超过 {standard.co_unit_suspect_above} mg/m³, 疑似以 µg/m³ 填报",
                field=key,
            )


def compute_aqi_arrays(
    concentrations: Mapping[str, npt.ArrayLike],
    *,
    report: Report | str = Report.DAILY,
    on: date | None = None,
    standard: Standard | None = None,
    validate: bool = True,
    buffers: AqiBuffers | None = None,
) -> AqiArrays:
    """The same rules as :func:`compute_aqi`, element-wise over arrays of equal shape.

    ``buffers`` (optional, from :meth:`AqiBuffers.for_size`) receive the results instead of fresh
    arrays, for batch loops over same-sized chunks: the returned arrays are views of them, valid
    until the buffers are used again.

    Source: HJ 633-2012 表1, 5.3, 5.4; HJ 633—2026 表3 (chosen by ``on`` unless ``standard`` given).
    """
    if standard is None:
        if on is None:
            raise DomainError("air.date", "需要数据日期以选择 HJ 633 版本", field="date")
        standard = standard_for(on)
    kind = Report(report)
    allowed = _input_keys(standard, kind)
    shape: tuple[int, ...] | None = None
    arrays: dict[str, FloatArray] = {}
    for key, raw in concentrations.items():
        if key not in allowed:
            raise DomainError(
                "air.pollutant_unknown", f"{kind.value} 报告不接受污染物项目 {key}", field=key
            )
        array = _as_float_array(key, raw, shape)
        shape = array.shape
        if validate:
            validate_array(standard, key, array)
        arrays[key] = array
    if shape is None:
        raise DomainError("air.empty", "没有提供任何污染物浓度", field="concentrations")

    by_indicator = {indicator: key for key, indicator in allowed.items()}
    report_inputs = [key for key in standard.reports[kind] if key in arrays]
    # Rows: the report's sub-indexes first, then values supplied only for a note to substitute.
    keys = report_inputs + [key for key in arrays if key not in report_inputs]
    rows = len(report_inputs)
    if rows == 0:  # only values a note could substitute: no sub-index of the report
        zeros = np.zeros(shape, dtype=np.uint8)
        return AqiArrays(
            aqi=np.full(shape, np.nan),
            level=np.zeros(shape, dtype=np.int8),
            iaqi={},
            primary=zeros,
            exceeding=zeros.copy(),
            above_table=np.zeros(shape, dtype=np.bool_),
            standard=standard.name,
        )
    n = math.prod(shape)
    tables = [
        kernel.row_table(standard.indicators[allowed[key]], standard.cap_iaqi) for key in keys
    ]
    substitutions: dict[int, int] = {}
    for r, key in enumerate(report_inputs):
        indicator = standard.indicators[allowed[key]]
        substitute_key = by_indicator.get(str(indicator.substitute))
        if indicator.above_top is AboveTop.SUBSTITUTE and substitute_key in keys:
            substitutions[r] = keys.index(str(substitute_key))
    bits = np.array(
        [[POLLUTANT_BIT[standard.indicators[allowed[key]].pollutant]] for key in report_inputs],
        dtype=np.uint8,
    ).reshape(rows, 1)
    uppers = [c.upper for c in standard.categories[:-1]]

    flats = [np.ascontiguousarray(arrays[key]).reshape(-1) for key in keys]
    out = (
        buffers
        if buffers is not None and buffers.fits(n, len(keys))
        else AqiBuffers.for_size(n, len(keys))
    )
    aqi = out.aqi[:n]
    level = out.level[:n]
    primary = out.primary[:n]
    exceeding = out.exceeding[:n]
    above_any = out.above[:n]
    above_any[...] = False
    sub = out.sub[: len(keys), :n]
    block = kernel.BLOCK
    work = kernel.Workspace(block)
    above = np.empty((len(keys), block), dtype=np.bool_)
    top = np.empty(block, dtype=np.int16)
    compare = np.empty((rows, block), dtype=np.bool_)
    weighted = np.empty((rows, block), dtype=np.uint8)
    keep = np.empty(block, dtype=np.bool_)
    for start in range(0, n, block):
        stop = min(start + block, n)
        m = stop - start
        past = [
            kernel.sub_index_row(table, flat[start:stop], work, sub[r, start:stop], above[r, :m])
            for r, (table, flat) in enumerate(zip(tables, flats, strict=True))
        ]
        for r in range(rows):
            if not past[r]:
                continue
            j = substitutions.get(r)
            if j is not None:  # HJ 633-2012 表1 注(2)(3): past the row, report the other sub-index
                np.copyto(
                    sub[r, start:stop],
                    sub[j, start:stop],
                    where=above[r, :m] & (sub[j, start:stop] >= 0),
                )
            above_any[start:stop] |= above[r, :m]
        block_rows = sub[:rows, start:stop]
        t = top[:m]
        np.maximum.reduce(block_rows, axis=0, out=t)
        c = compare[:, :m]
        w = weighted[:, :m]
        k = keep[:m]
        np.equal(block_rows, t, out=c)
        np.greater(t, standard.primary_above, out=k)
        np.logical_and(c, k, out=c)  # no primary pollutant at AQI ≤ 50
        np.multiply(c.view(np.uint8), bits, out=w)
        np.bitwise_or.reduce(w, axis=0, out=primary[start:stop])
        np.greater(block_rows, standard.exceeding_above, out=c)
        np.multiply(c.view(np.uint8), bits, out=w)
        np.bitwise_or.reduce(w, axis=0, out=exceeding[start:stop])
        lv = level[start:stop]
        np.greater_equal(t, 0, out=k)  # level 0 is NA
        np.copyto(lv, k, casting="unsafe")
        for upper in uppers:  # 表2: one more level past each category's upper bound
            np.greater(t, upper, out=k)
            lv += k
        a = aqi[start:stop]
        np.copyto(a, t, casting="unsafe")
        if t.min() < 0:
            np.copyto(a, np.nan, where=t < 0)
    return AqiArrays(
        aqi=aqi.reshape(shape),
        level=level.reshape(shape),
        iaqi=SubIndexes(report_inputs, sub[:rows], shape),
        primary=primary.reshape(shape),
        exceeding=exceeding.reshape(shape),
        above_table=above_any.reshape(shape),
        standard=standard.name,
    )


def pollutant_names(mask: int, standard: Standard) -> tuple[str, ...]:
    """The pollutant names of a bit mask from :class:`AqiArrays` (``PM2.5`` ...), in table order."""
    return tuple(standard.pollutant_names[p] for p in POLLUTANTS if mask & POLLUTANT_BIT[p])
