"""Bench: 100,000 synthetic enterprises through all sixteen 开门红 measures (goal: under 5 s).

A batch decides every row (per measure: the band that fixes the tier and the near tiers, or
the award) when it is evaluated, and builds a row's Evaluation objects when the row is read;
the figures show both, and the JSON export after them.

Two mixes: "sector" rows carry the facts of one to three measures (what a statistics export of
one sector looks like); "all" rows carry the facts of every measure (the worst case). Both
include a few bad rows, which must come back as row errors without stopping the rest.

Then the same number of rows through the xlsx path (bench/incentives_xlsx.py) in the same run,
and a sample through the reference path (chengqu.incentives.reference) for the speed-up.
Times are wall and CPU: on a shared machine the CPU time is the steadier figure.

Run: PYTHONPATH=src .venv/bin/python bench/incentives_evaluate.py [N] [--no-xlsx] [--store]
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from chengqu.common import DomainError
from chengqu.incentives import evaluate, evaluate_many, reference, to_json

AS_OF = date(2024, 7, 15)


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.randint(0, 99):02d}"


def _growth(rng: random.Random) -> str:
    return f"{rng.randint(-200, 600) / 10}"


def _measure_facts(rng: random.Random, number: int) -> dict[str, object]:
    if number == 1:
        return {"q1_investment": _money(rng, 1_000_000, 120_000_000)}
    if number == 2:
        return {"new_project_total_investment": _money(rng, 10_000_000, 900_000_000)}
    if number == 3:
        return {
            "other_service_revenue_jan_feb": _money(rng, 1_000_000, 20_000_000),
            "other_service_growth_jan_feb": _growth(rng),
        }
    if number == 4:
        return {"transport_growth_jan_feb": _growth(rng)}
    if number == 5:
        return {"real_estate_sales_area_q1": str(rng.randint(500, 9000))}
    if number == 6:
        return {
            "industrial_annual_output": _money(rng, 5_000_000, 900_000_000),
            "industrial_q1_growth": _growth(rng),
        }
    if number == 7:
        return {"below_scale_industrial_q1_revenue": _money(rng, 1_000_000, 9_000_000)}
    if number == 8:
        return {"specialized_pool_rd_q1": _money(rng, 100_000, 1_000_000)}
    if number == 10:
        return {
            "promotion_online_sales": _money(rng, 1_000_000, 9_000_000),
            "promotion_firms": rng.randint(5, 60),
            "promotion_views": rng.randint(10_000, 300_000),
            "promotion_costs": _money(rng, 10_000, 200_000),
        }
    if number == 11:
        return {
            "new_chain_store_areas": ";".join(
                str(rng.randint(40, 400)) for _ in range(rng.randint(1, 5))
            )
        }
    if number == 12:
        return {
            "lodging_catering_revenue_h1": _money(rng, 1_000_000, 80_000_000),
            "lodging_catering_growth_h1": _growth(rng),
        }
    if number == 13:
        return {
            "online_retail_sales_h1": _money(rng, 1_000_000, 150_000_000),
            "online_retail_growth_h1": _growth(rng),
        }
    if number == 14:
        return {"tourism_show_performances_h1": rng.randint(20, 180)}
    if number == 15:
        return {
            "travel_groups": [
                {
                    "guests": rng.randint(50, 400),
                    "nights": rng.randint(0, 4),
                    "scenic_spots": rng.randint(1, 4),
                    "district_hotel": rng.random() < 0.9,
                }
                for _ in range(rng.randint(1, 8))
            ]
        }
    return {"award_winner_sales_h1": _money(rng, 500_000, 5_000_000)}


MEASURES = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]


def synthetic(n: int, *, mix: str, seed: int = 2024) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict[str, object] = {"id": f"E{i:06d}"}
        chosen = MEASURES if mix == "all" else rng.sample(MEASURES, rng.randint(1, 3))
        for number in chosen:
            row.update(_measure_facts(rng, number))
        if i % 997 == 0:
            row["q1_investment"] = "-5"  # a bad row: must not stop the others
        rows.append(row)
    return rows


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> str:
    wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
    return f"{wall:.2f} s wall / {cpu:.2f} s CPU"


def run(n: int, mix: str) -> None:
    rows = synthetic(n, mix=mix)
    start = _clock()
    batch = evaluate_many(rows, AS_OF)
    summary = batch.by_measure()
    total = batch.total
    elapsed = time.perf_counter() - start[0]
    evaluated = _since(start)
    start = _clock()
    awards = sum(len(r.evaluation.awards) for r in batch.results)
    read = _since(start)
    assert total == sum((r.evaluation.total for r in batch.results), Decimal(0))
    assert sum(m.count for m in summary) == awards
    start = _clock()
    text = to_json(batch)
    rendered = _since(start)
    print(
        f"{mix:>6}: {n:,} enterprises evaluated, with the summary by measure, in {evaluated} "
        f"({elapsed / n * 1e6:.1f} µs each); {len(batch.results):,} evaluated, {len(batch.errors):,} row errors, "
        f"{awards:,} awards, total {total:,.2f} yuan\n"
        f"        then every row read (its Evaluation: awards, near misses, notes) {read}; "
        f"then to_json (renders every reason and near miss) {rendered} ({len(text) / 1e6:.1f} MB)"
    )


def reference_ratio(n: int, mix: str, batch: int) -> None:
    """The same rows through the reference path (chengqu.incentives.reference) for comparison.

    Also the peer's time for the whole batch at the speed measured here: this machine's speed
    drifts by a quarter between runs, and the ratio to a peer timed in the same run does not.
    """
    rows = [{k: v for k, v in row.items() if k != "id"} for row in synthetic(n, mix=mix)]

    def through(evaluate_one: Callable[..., object]) -> float:
        start = time.process_time()
        for row in rows:
            with contextlib.suppress(DomainError):
                evaluate_one(row, AS_OF)
        return time.process_time() - start

    slow = through(reference.evaluate)
    fast = through(evaluate)
    print(
        f"{mix:>6}: {n:,} rows one by one, CPU: reference path {slow:.2f} s, fast path {fast:.2f} s "
        f"(×{slow / fast:.1f}, text not rendered on the fast path); the reference path at this speed "
        f"would take {slow / n * batch:.1f} s for {batch:,} rows"
    )


def _xlsx(n: int) -> None:
    spec = importlib.util.spec_from_file_location(
        "incentives_xlsx", Path(__file__).with_name("incentives_xlsx.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.run(n, store="--store" in sys.argv)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    if "--mix" in sys.argv:  # one mix in this process (see below)
        run(n, sys.argv[sys.argv.index("--mix") + 1])
        return
    print(
        f"Python {sys.version.split()[0]}, goal: {n:,} enterprises under 5 s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    # Each mix in a fresh process, as `chengqu incentives evaluate` runs: a process that has
    # already built and freed a large batch measures differently.
    for mix in ("sector", "all"):
        subprocess.run([sys.executable, __file__, str(n), "--mix", mix], check=True)
    reference_ratio(min(n, 5_000), "sector", n)
    reference_ratio(min(n, 5_000), "all", n)
    if "--no-xlsx" not in sys.argv:
        _xlsx(n)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
