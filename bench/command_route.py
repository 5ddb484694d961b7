"""How fast the command module answers a duty officer: routing, roster lookups and deadlines.

Prints figures; asserts nothing. Run: PYTHONPATH=src .venv/bin/python bench/command_route.py
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from chengqu.command import load_roster, report_deadlines, route_incident
from chengqu.common import SHANGHAI

TEXTS = [
    "森林火灾",
    "今晨北山林区发生森林火灾, 火势向东蔓延",
    "学校食堂发生食物中毒",
    "不明飞行物坠落",
    "饮用水水源地柴油泄漏",
]


def main() -> None:
    start = time.perf_counter()
    load_roster.cache_clear()
    load_roster()
    print(f"load_roster (cold): {(time.perf_counter() - start) * 1000:.1f} ms")

    n = 2000
    start = time.perf_counter()
    for i in range(n):
        route_incident(TEXTS[i % len(TEXTS)])
    elapsed = time.perf_counter() - start
    print(f"route_incident: {n / elapsed:,.0f} calls/s ({elapsed / n * 1e6:.0f} µs each)")

    roster = load_roster()
    start = time.perf_counter()
    for _ in range(200):
        roster.positions()
    elapsed = time.perf_counter() - start
    print(f"roster.positions(): {200 / elapsed:,.0f} calls/s")

    t0 = datetime(2024, 6, 1, 9, 0, tzinfo=SHANGHAI)
    start = time.perf_counter()
    for i in range(n):
        report_deadlines(
            "突发重大动物疫情" if i % 2 else "饮用水水源地突发环境事件",
            None,
            t0 + timedelta(minutes=i),
        )
    elapsed = time.perf_counter() - start
    print(f"report_deadlines: {n / elapsed:,.0f} calls/s ({elapsed / n * 1e6:.0f} µs each)")


if __name__ == "__main__":
    main()
