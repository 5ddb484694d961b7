"""Benchmark: a synthetic year of hourly data for N stations (default 2,000 = 17.5 M station-hours).

Measures the real-time AQI, the 24-hour running daily AQI and the warning evaluation, and, when
python-aqi 0.6.1 is importable (``--pyaqi-path DIR`` for a ``pip install --target DIR`` copy), its
per-record throughput on a sample of the same data. Prints figures; asserts nothing.

    PYTHONPATH=src .venv/bin/python bench/air_aqi.py [--stations 2000] [--chunk 250]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

import numpy as np

from chengqu.air.aqi import AqiBuffers, compute_aqi_arrays
from chengqu.air.series import HourlyPanel, realtime_aqi, running_daily_aqi
from chengqu.air.standards import Report, standard_for
from chengqu.air.warning import decide_warning, evaluation_from_running_aqi

HOURS = 365 * 24


def synthetic(stations: int, seed: int) -> dict[str, np.ndarray]:
    """Seasonal, diurnal, lognormal concentrations, rounded as published; 1 % missing."""
    rng = np.random.default_rng(seed)
    t = np.arange(HOURS)
    winter = 1 + 0.8 * np.cos(2 * np.pi * t / HOURS)
    diurnal = 1 + 0.3 * np.sin(2 * np.pi * (t % 24) / 24)
    base = rng.lognormal(0, 0.5, (stations, HOURS)) * winter * diurnal
    values = {
        "pm25": (45 * base).round(0),
        "pm10": (80 * base * rng.uniform(0.9, 1.1, (stations, 1))).round(0),
        "so2": (15 * base).round(0),
        "no2": (35 * rng.lognormal(0, 0.4, (stations, HOURS))).round(0),
        "co": (0.8 * base).round(1),
        "o3": (90 * (2 - winter) * (2 - diurnal) * rng.lognormal(0, 0.3, (stations, HOURS))).round(
            0
        ),
    }
    missing = rng.random((stations, HOURS)) < 0.01
    for array in values.values():
        array[missing] = np.nan
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=250, help="stations per batch (bounds memory)")
    parser.add_argument("--pyaqi-path", default="/tmp/pyaqi_bench")
    parser.add_argument(
        "--sample", type=int, default=20000, help="records for the python-aqi comparison"
    )
    args = parser.parse_args()

    total = args.stations * HOURS
    print(f"stations: {args.stations}, station-hours: {total:,}, chunk: {args.chunk} stations")
    t_gen = t_rt = t_run = t_aqi_only = t_aqi_buffered = t_tables = 0.0
    buffers: AqiBuffers | None = None
    t_warn = 0.0
    warnings_evaluated = 0
    levels: dict[str, int] = {}
    sample_rows: dict[str, np.ndarray] | None = None
    for first in range(0, args.stations, args.chunk):
        n = min(args.chunk, args.stations - first)
        t0 = time.perf_counter()
        values = synthetic(n, seed=first)
        t_gen += time.perf_counter() - t0
        panel = HourlyPanel(
            tuple(f"S{first + i}" for i in range(n)), np.datetime64("2025-01-01T00", "h"), values
        )

        inputs = {
            "so2": values["so2"],
            "no2": values["no2"],
            "co": values["co"],
            "pm10": values["pm10"],
            "pm25": values["pm25"],
            "o3_1h": values["o3"],
        }
        standard = standard_for(date(2025, 1, 1))
        if (
            first == 0
        ):  # build the look-up tables once, outside the timings (both variants use them)
            t0 = time.perf_counter()
            compute_aqi_arrays(
                {k: v[:1, :24] for k, v in inputs.items()}, report=Report.HOURLY, standard=standard
            )
            t_tables = time.perf_counter() - t0
        t0 = time.perf_counter()
        compute_aqi_arrays(inputs, report=Report.HOURLY, standard=standard, validate=False)
        t_aqi_only += time.perf_counter() - t0
        # The same step writing into output buffers allocated once (a batch loop over chunks).
        if buffers is None:
            buffers = AqiBuffers.for_size(n * HOURS)
        t0 = time.perf_counter()
        compute_aqi_arrays(
            inputs, report=Report.HOURLY, standard=standard, validate=False, buffers=buffers
        )
        t_aqi_buffered += time.perf_counter() - t0

        t0 = time.perf_counter()
        realtime_aqi(panel)
        t_rt += time.perf_counter() - t0

        t0 = time.perf_counter()
        running = running_daily_aqi(panel)
        t_run += time.perf_counter() - t0

        t0 = time.perf_counter()
        # one warning evaluation per station over the year (the district's would be one series)
        for i in range(min(n, 20)):
            series = running.result.aqi[i]
            decision = decide_warning(
                evaluation_from_running_aqi([None if np.isnan(v) else int(v) for v in series])
            )
            levels[decision.level.value] = levels.get(decision.level.value, 0) + 1
            warnings_evaluated += 1
        t_warn += time.perf_counter() - t0
        if sample_rows is None:
            sample_rows = {
                k: v[:, 24 : 24 + max(1, args.sample // n)].reshape(-1)[: args.sample]
                for k, v in values.items()
            }
        print(f"  stations {first}–{first + n - 1} done", file=sys.stderr)

    def rate(seconds: float) -> str:
        return f"{total / seconds / 1e6:8.2f} M station-hours/s ({seconds:6.2f} s)"

    print(f"data generation           {rate(t_gen)}")
    print(
        f"look-up tables            built once per process in {t_tables:.2f} s (not in the rates below)"
    )
    print(f"AQI step (6 pollutants)   {rate(t_aqi_only)}  fresh output arrays per chunk")
    print(f"AQI step, reused outputs  {rate(t_aqi_buffered)}  output buffers allocated once")
    print(f"real-time AQI (panel)     {rate(t_rt)}  incl. O3 8-h and SO2 24-h running means")
    print(f"24-h running daily AQI    {rate(t_run)}")
    per_series = t_warn / max(warnings_evaluated, 1)
    print(
        f"warning evaluation        {warnings_evaluated} station-years, {per_series * 1000:.1f} ms per 8,760-hour series ({HOURS / per_series / 1e6:.2f} M hours/s); levels {levels}"
    )

    sys.path.insert(0, args.pyaqi_path)
    try:
        import aqi as pyaqi  # type: ignore[import-not-found]
        from aqi import constants as pyaqi_constants  # type: ignore[import-not-found]
    except ImportError:
        print(
            "python-aqi 0.6.1: not importable (pip install --target DIR python-aqi==0.6.1); comparison skipped"
        )
        return
    assert sample_rows is not None
    c = pyaqi_constants
    keys = {
        "pm25": c.POLLUTANT_PM25,
        "pm10": c.POLLUTANT_PM10,
        "so2": c.POLLUTANT_SO2_24H,
        "no2": c.POLLUTANT_NO2_24H,
        "co": c.POLLUTANT_CO_24H,
    }
    records = []
    for i in range(len(sample_rows["pm25"])):
        row = [
            (keys[k], str(sample_rows[k][i]))
            for k in keys
            if not np.isnan(sample_rows[k][i]) and sample_rows[k][i] < 500
        ]
        records.append(row)
    done = crashes = 0
    t0 = time.perf_counter()
    for row in records:
        try:
            pyaqi.to_aqi(row, algo=c.ALGO_MEP)
            done += 1
        except (TypeError, IndexError, ValueError):
            crashes += 1
    elapsed = time.perf_counter() - t0
    py_rate = len(records) / elapsed
    ours = total / t_aqi_only
    ours_buffered = total / t_aqi_buffered
    print(
        f"python-aqi 0.6.1 (mep)    {py_rate / 1e6:8.4f} M records/s on {len(records):,} daily records ({crashes} raised)"
    )
    print(
        f"ratio AQI step / python-aqi: {ours / py_rate:,.0f}x (fresh outputs), {ours_buffered / py_rate:,.0f}x (reused outputs)"
    )


if __name__ == "__main__":
    main()
