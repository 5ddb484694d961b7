"""Time to parse the bundled gazette issue (goal: under 0.5 s). Run: PYTHONPATH=src python bench/gazette_parse.py"""

from __future__ import annotations

import statistics
import time

from chengqu.data import read_gazette_issue
from chengqu.gazette import parse_issue


def main(rounds: int = 20) -> None:
    text = read_gazette_issue("gazette-2024-1.txt")
    data = text.encode("utf-8")
    gbk = text.encode("gb18030")
    start = time.perf_counter()
    first = parse_issue(data)
    cold = time.perf_counter() - start
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        parse_issue(data)
        timings.append(time.perf_counter() - start)
    start = time.perf_counter()
    parse_issue(gbk)
    gbk_time = time.perf_counter() - start
    clauses = sum(1 for d in first.documents for _ in d.all_clauses())
    print(
        f"gazette-2024-1.txt: {len(text.splitlines())} lines, {len(first.documents)} documents, {clauses} clauses"
    )
    print(f"first parse (cold regex caches): {cold * 1000:.1f} ms")
    print(
        f"parse, median of {rounds}: {statistics.median(timings) * 1000:.1f} ms (max {max(timings) * 1000:.1f} ms)"
    )
    print(f"parse from GB18030 bytes: {gbk_time * 1000:.1f} ms")
    print(f"goal < 500 ms: {'met' if max([*timings, cold]) < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
