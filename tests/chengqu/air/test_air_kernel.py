"""The look-up kernel of the numpy AQI path equals the exact path at and around every threshold."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from chengqu.air import kernel
from chengqu.air.aqi import compute_aqi_arrays, iaqi_array
from chengqu.air.standards import all_standards


def _rows() -> list[tuple[str, str]]:
    return [(s.table, key) for s in all_standards() for key in s.indicators]


@pytest.mark.parametrize(("table", "key"), _rows())
def test_every_integer_crossing_of_every_row_matches_the_exact_path(table: str, key: str) -> None:
    """For each concentration where a sub-index reaches an integer (HJ 633 式(1) inverted), the
    float just below, on and just above it, and the nearest 0.01 / 0.001 decimals, give the exact
    rounded-up sub-index (进位取整) of the scalar path."""
    standard = next(s for s in all_standards() if s.table == table)
    indicator = standard.indicators[key]
    points: list[float] = []
    for t in kernel.thresholds(indicator):
        x = float(t)
        points += [math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)]
        for places in (2, 3):
            q = round(x, places)
            points += [q - 10**-places, q, q + 10**-places]
    points = [p for p in points if p >= 0]
    got, above = iaqi_array(indicator, np.array(points), cap=standard.cap_iaqi)
    top = Fraction(indicator.top)
    for value, sub_index, past in zip(points, got, above, strict=True):
        exact = Fraction(repr(value))
        if exact > top:
            assert past
            continue
        assert not past
        assert sub_index == indicator.interpolate(exact), (key, value)


def test_nan_of_either_sign_is_na_and_far_above_the_table_is_capped() -> None:
    negative_nan = np.array(
        [np.copysign(np.nan, -1.0)]
    )  # what 0/0 gives on x86 (a running mean of nothing)
    assert np.signbit(negative_nan[0])
    values = np.concatenate([negative_nan, [np.nan, 1e9, np.inf, 500.0, 500.5]])
    result = compute_aqi_arrays({"pm25": values}, on=all_standards()[0].effective, validate=False)
    assert np.isnan(result.aqi[:2]).all()
    assert list(result.level[:2]) == [0, 0]
    assert list(result.aqi[2:]) == [500, 500, 500, 500]
    assert list(result.above_table) == [False, False, True, True, False, True]


def test_unvalidated_negative_values_read_as_zero_not_another_rows_table() -> None:
    result = compute_aqi_arrays(
        {"pm25": [-1e6, -0.5], "co": [-3.0, 1.0]}, on=all_standards()[0].effective, validate=False
    )
    assert list(result.iaqi["pm25"]) == [0, 0]
    assert list(result.iaqi["co"]) == [0, 25]


def test_results_do_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    conc = {
        "pm25": rng.uniform(0, 600, 5000).round(1),
        "o3_8h": rng.uniform(0, 900, 5000).round(0),
        "o3_1h": rng.uniform(0, 1300, 5000).round(0),
        "co": rng.uniform(0, 70, 5000).round(1),
    }
    conc["pm25"][::7] = np.nan
    on = all_standards()[0].effective
    whole = compute_aqi_arrays(conc, on=on)
    monkeypatch.setattr(kernel, "BLOCK", 333)
    blocked = compute_aqi_arrays(conc, on=on)
    np.testing.assert_array_equal(whole.aqi, blocked.aqi)
    np.testing.assert_array_equal(whole.primary, blocked.primary)
    np.testing.assert_array_equal(whole.exceeding, blocked.exceeding)
    np.testing.assert_array_equal(whole.above_table, blocked.above_table)
    for key in conc:
        np.testing.assert_array_equal(whole.iaqi[key], blocked.iaqi[key])


@pytest.mark.parametrize(("table", "key"), _rows())
def test_every_point_of_the_reporting_grid_matches_the_exact_path(table: str, key: str) -> None:
    """Published data (whole µg/m³, CO to 0.1 mg/m³) take the grid table; every grid point from 0
    to past the top gives the exact rounded-up sub-index, and the block really took that path."""
    standard = next(s for s in all_standards() if s.table == table)
    indicator = standard.indicators[key]
    grid = 10 if indicator.unit == "mg/m³" else 1
    steps = int(Fraction(indicator.top) * grid) + 3
    values = np.array([k / grid for k in range(steps)] + [np.nan, np.copysign(np.nan, -1.0)])
    row = kernel.row_table(indicator, standard.cap_iaqi)
    out = np.empty(len(values), dtype=np.int16)
    assert kernel._on_grid(row, values, kernel.Workspace(len(values)), out)
    got, above = iaqi_array(indicator, values, cap=standard.cap_iaqi)
    for k in range(steps):
        exact = Fraction(k, grid)
        if exact > Fraction(indicator.top):
            assert above[k]
            assert got[k] == row.above_value
        else:
            assert not above[k]
            assert got[k] == indicator.interpolate(exact), (key, k)
    assert np.isnan(got[-2:]).all()
    off_grid = np.array([0.05, 1.0]) if grid == 10 else np.array([0.5, 1.0])
    assert not kernel._on_grid(row, off_grid, kernel.Workspace(2), np.empty(2, dtype=np.int16))


def test_reused_output_buffers_give_the_same_results_as_fresh_arrays():
    from chengqu.air.aqi import AqiBuffers

    rng = np.random.default_rng(3)
    on = all_standards()[-1].effective
    buffers = AqiBuffers.for_size(6000)
    for size in (6000, 2500):  # a smaller last chunk reuses the front of the buffers
        conc = {
            "pm25": rng.uniform(0, 300, size).round(0),
            "so2": rng.uniform(0, 900, size).round(0),
            "co": rng.uniform(0, 20, size).round(1),
        }
        conc["so2"][::5] = np.nan
        fresh = compute_aqi_arrays(conc, report="hourly", on=on)
        reused = compute_aqi_arrays(conc, report="hourly", on=on, buffers=buffers)
        assert reused.aqi.shape == (size,)
        np.testing.assert_array_equal(fresh.aqi, reused.aqi)
        np.testing.assert_array_equal(fresh.level, reused.level)
        np.testing.assert_array_equal(fresh.primary, reused.primary)
        np.testing.assert_array_equal(fresh.above_table, reused.above_table)
        for key in conc:
            np.testing.assert_array_equal(fresh.iaqi[key], reused.iaqi[key])
