"""The fast, exact sub-index kernel behind :func:`chengqu.air.aqi.compute_aqi_arrays`.

Why it is exact. A row's sub-index is ``ceil(f(c))`` with ``f`` the piecewise-linear, strictly
increasing interpolation of HJ 633 式(1). For ``0 ≤ c ≤ top`` that equals the number of integers
``j`` in ``0 … n-1`` with ``f(c) > j``, i.e. the number of *thresholds* ``t_j = f⁻¹(j)`` (exact
rationals) lying strictly below ``c``. The scalar path reads a float as its shortest decimal
(``Decimal(repr(x))``), which is strictly increasing over floats, so for each ``t_j`` there is a
largest float ``T_j`` whose decimal is ≤ ``t_j``, and ``decimal(x) > t_j ⇔ x > T_j`` for every float
``x``. Counting the ``T_j`` below ``x`` therefore gives exactly the scalar path's rounded-up sub-index
for *any* float input, with no tolerance.

Why it is fast. Counting is a table look-up: the concentration axis is cut into buckets of width
``2^-k`` (so ``x · 2^k`` is exact and its integer part names the bucket exactly), narrower than the
gap between two thresholds, so a bucket holds at most one threshold. The count is then
``base[bucket] + (x > threshold[bucket])``: one multiply, one clamp, one cast, two gathers, one
compare and one add per value, all pollutants of a block stacked in one array so that numpy's loops
run over cache-resident blocks instead of 17 MB temporaries. NaN (of either sign) and values far
past the top land in one extra bucket whose sub-index is NA; values past the top are then set from
the row's rule (cap, fixed value, or the fallback a 2012 note substitutes).

The grid path. Published concentrations are whole µg/m³ and CO to 0.1 mg/m³ (HJ 663 修约). When
every value of a block is on that grid — checked exactly: ``round(x · g) / g == x`` in floating
point, which for g = 10 holds only for the float of a one-decimal number — the sub-index is one
gather from a table of the exact sub-index of each grid point; otherwise the block takes the
threshold path above. Both are tested against the exact rational path point by point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from chengqu.air.standards import AboveTop, Indicator

FloatArray = npt.NDArray[np.float64]

NA = -1  # the int16 sub-index of a missing value
BLOCK = 32768  # station-hours per block: the block's temporaries stay in cache, calls stay few


def _decimal_of(x: float) -> Fraction:
    return Fraction(Decimal(repr(x)))


def float_threshold(t: Fraction) -> float:
    """The largest float whose shortest decimal is ≤ ``t`` (so ``decimal(x) > t ⇔ x > result``)."""
    x = float(t)
    while _decimal_of(x) > t:
        x = math.nextafter(x, -math.inf)
    while _decimal_of(math.nextafter(x, math.inf)) <= t:
        x = math.nextafter(x, math.inf)
    return x


def thresholds(indicator: Indicator) -> list[Fraction]:
    """``t_0 … t_{n-1}`` (the concentration where the sub-index reaches each integer) and the top."""
    points = [Fraction(p) for p in indicator.breakpoints]
    nodes = indicator.iaqi
    out: list[Fraction] = []
    for i in range(1, len(points)):
        low, high = points[i - 1], points[i]
        i_low, i_high = nodes[i - 1], nodes[i]
        out.extend(
            low + (j - i_low) * (high - low) / (i_high - i_low) for j in range(i_low, i_high)
        )
    out.append(points[-1])
    return out


MAGIC = 2.0**52  # f + 2^52 rounds f to an integer held in the low bits of the float (0 ≤ f < 2^51)
MAGIC_BITS = int(np.array([MAGIC]).view(np.int64)[0])


@dataclass(frozen=True, slots=True)
class RowTable:
    """Look-up tables of one row.

    ``round(x · scale)`` names a bucket ``b`` covering the closed interval ``[(b-½)/scale,
    (b+½)/scale]`` (ties may round either way, so both ends belong to it); the count of thresholds
    below ``x`` is ``base[b] + (x > threshold[b])``. The last bucket ``clamp`` takes NaN (of either
    sign) and every value far past the top: its base is NA (-1) and its threshold +∞; values past
    the top are then set by :func:`sub_indexes` from ``top`` and ``above_value``.
    """

    scale: float
    clamp: float
    top: float
    n: int
    above_value: int
    base: npt.NDArray[np.int16]
    threshold: FloatArray
    # The fast path for published data: concentrations on the reporting grid (whole µg/m³, CO to
    # 0.1 mg/m³; HJ 663 修约) read their exact sub-index from one table indexed by ``x · grid``.
    grid: float
    grid_clamp: float  # in concentration units: NaN and values this far past the top go to NA
    grid_values: npt.NDArray[np.int16]


@cache
def row_table(indicator: Indicator, cap: int) -> RowTable:
    """The tables of one row; the value past the top follows the row's rule (cap, fixed, fallback)."""
    exact = thresholds(indicator)
    floats = [float_threshold(t) for t in exact]
    n = len(exact) - 1  # the sub-index at the top of the row
    gap = min(b - a for a, b in pairwise(floats))
    k = math.ceil(-math.log2(gap)) + 1  # bucket width 2^-k ≤ gap / 2: at most one threshold each
    scale = math.ldexp(1.0, k)
    width = math.ldexp(1.0, -k)
    clamp = math.floor(floats[-1] * scale + 0.5) + 1  # every finite value rounding here is > top
    centres = np.arange(clamp + 1, dtype=np.float64) * width
    points = np.array(floats)
    base = np.searchsorted(points, centres - width / 2, side="left")
    inside = np.searchsorted(points, centres + width / 2, side="right") - base
    if inside.max() > 1:  # pragma: no cover - guaranteed by the bucket width
        raise AssertionError(f"{indicator.key}: bucket with two thresholds")
    threshold = np.where(inside == 1, points[np.minimum(base, len(points) - 1)], np.inf)
    base[clamp] = NA
    threshold[clamp] = np.inf
    above_value = cap if indicator.above_top is AboveTop.CAP else int(indicator.above_iaqi or cap)
    grid = 10 if indicator.unit == "mg/m³" else 1
    top = Fraction(indicator.top)
    grid_top = math.floor(top * grid) + 2  # grid points 0 … grid_top-1, then the NA entry
    grid_values = np.array(
        [
            indicator.interpolate(Fraction(k, grid)) if Fraction(k, grid) <= top else above_value
            for k in range(grid_top)
        ]
        + [NA],
        dtype=np.int16,
    )
    return RowTable(
        scale,
        float(clamp),
        floats[-1],
        n,
        above_value,
        base.astype(np.int16),
        threshold.astype(np.float64),
        float(grid),
        grid_top / grid,
        grid_values,
    )


class Workspace:
    """Per-block scratch arrays (reused across blocks and rows)."""

    def __init__(self, block: int) -> None:
        self.f = np.empty(block)
        self.threshold = np.empty(block)
        self.mask = np.empty(block, dtype=np.bool_)


def sub_index_row(
    table: RowTable,
    x: FloatArray,
    work: Workspace,
    out: npt.NDArray[np.int16],
    above: npt.NDArray[np.bool_],
) -> bool:
    """Sub-indexes (int16, NA = -1) of the block ``x`` into ``out``; marks values past the top in
    ``above`` and returns whether there were any."""
    if not _on_grid(table, x, work, out):
        _thresholds(table, x, work, out)
    np.greater(x, table.top, out=above)  # NaN is never above
    if not above.any():
        return False
    np.copyto(out, table.above_value, where=above)
    return True


def _on_grid(table: RowTable, x: FloatArray, work: Workspace, out: npt.NDArray[np.int16]) -> bool:
    """The grid table's sub-indexes when every value of the block lies on the reporting grid
    (NaN and values far past the top count as on it); False (``out`` unspecified) otherwise."""
    m = len(x)
    clamped = work.f[:m]
    rounded = work.threshold[:m]
    np.fmin(x, table.grid_clamp, out=clamped)  # NaN (either sign) → the NA entry
    if table.grid != 1.0:
        np.multiply(clamped, table.grid, out=rounded)
        rounded += MAGIC
    else:
        np.add(clamped, MAGIC, out=rounded)
    bucket = rounded.view(np.int64)
    bucket -= MAGIC_BITS  # = round(x · grid); negatives (unvalidated) clip to entry 0
    table.grid_values.take(bucket, out=out, mode="clip")
    bucket += MAGIC_BITS
    rounded -= MAGIC  # round(x · grid) as a float again
    if table.grid != 1.0:
        rounded /= table.grid  # correctly rounded: equals x exactly when x is that decimal
    mask = work.mask[:m]
    np.equal(rounded, clamped, out=mask)
    return bool(mask.all())


def _thresholds(
    table: RowTable, x: FloatArray, work: Workspace, out: npt.NDArray[np.int16]
) -> None:
    """Any float input: count the exact thresholds below each value (see the module docstring)."""
    m = len(x)
    f = work.f[:m]
    np.multiply(x, table.scale, out=f)  # exact: the scale is a power of two
    np.fmin(f, table.clamp, out=f)  # NaN (either sign) and values far past the top: the last bucket
    f += MAGIC
    bucket = f.view(np.int64)
    bucket -= (
        MAGIC_BITS  # = round(x · scale); unvalidated negatives go below 0 and clip to bucket 0
    )
    table.base.take(bucket, out=out, mode="clip")
    threshold = work.threshold[:m]
    table.threshold.take(bucket, out=threshold, mode="clip")
    mask = work.mask[:m]
    np.greater(x, threshold, out=mask)
    out += mask
