"""How fast the working-day calendar answers the fund's and the command module's questions.

Prints figures; asserts nothing. Run: .venv/bin/python bench/common_workdays.py
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from chengqu.common import default_calendar


def main() -> None:
    calendar = default_calendar()
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(700)]

    start = time.perf_counter()
    for _ in range(20):
        for day in days:
            calendar.is_workday(day)
    elapsed = time.perf_counter() - start
    print(f"is_workday: {20 * len(days) / elapsed:,.0f} calls/s")

    start = time.perf_counter()
    for day in days[:-30]:
        calendar.workdays_before(day + timedelta(days=30), 10)
    elapsed = time.perf_counter() - start
    print(f"workdays_before(…, 10): {(len(days) - 30) / elapsed:,.0f} calls/s")


if __name__ == "__main__":
    main()
