"""How fast the fund quotes fees, sign-off deadlines and reserve allocations.

Prints figures; asserts nothing. Run: PYTHONPATH=src .venv/bin/python bench/fund_fees.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from chengqu.fund import allocate_reserve, latest_signoff_date, quote_fee


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(6)
    start_day = date(2024, 4, 5)
    loans = [
        (
            Decimal(rng.randrange(1_000_000, 1_000_000_000))
            / 100,  # 10,000.00 … 10,000,000.00 yuan
            start_day + timedelta(days=rng.randrange(0, 1800)),
            rng.randrange(0, 30),
        )
        for _ in range(count)
    ]

    begin = time.perf_counter()
    total = Decimal(0)
    over = 0
    for principal, disbursed, days in loans:
        quote = quote_fee(
            principal=principal, disbursed=disbursed, repaid=disbursed + timedelta(days=days)
        )
        total += quote.fee
        over += quote.over_limit
    elapsed = time.perf_counter() - begin
    print(
        f"quote_fee: {count:,} loans in {elapsed:.2f} s = {count / elapsed:,.0f} quotes/s "
        f"({elapsed / count * 1e6:.2f} µs each); total fees {total:,.2f} yuan, {over:,} over 20 days"
    )

    maturities = [date(2024, 5, 1) + timedelta(days=i % 900) for i in range(min(count, 20_000))]
    begin = time.perf_counter()
    for maturity in maturities:
        latest_signoff_date(maturity)
    elapsed = time.perf_counter() - begin
    print(
        f"latest_signoff_date: {len(maturities):,} in {elapsed:.2f} s = {len(maturities) / elapsed:,.0f}/s"
    )

    paid_in = Decimal("80000000")
    reserve = Decimal("0.00")
    begin = time.perf_counter()
    steps = 0
    for principal, _disbursed, days in loans[:100_000]:
        reserve += allocate_reserve(
            (principal * Decimal("0.0002") * max(days, 1)).quantize(Decimal("0.01")),
            paid_in,
            reserve,
        )
        steps += 1
    elapsed = time.perf_counter() - begin
    print(
        f"allocate_reserve: {steps:,} in {elapsed:.2f} s = {steps / elapsed:,.0f}/s; reserve {reserve:,.2f}"
    )


if __name__ == "__main__":
    main()
