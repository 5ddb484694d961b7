"""Writing a large .xlsx export: openpyxl's plain ``append`` against ``portal.core.exports.append_row``
(every text a string cell, forbidden characters removed), on the same rows.

Prints figures; asserts nothing. Run: .venv/bin/python bench/exports_cells.py [ROWS]
"""

from __future__ import annotations

import io
import os
import sys
import time
from decimal import Decimal


def _rows(n: int) -> list[list[object]]:
    # the shape of the 逐户结果 sheet: ids and names, a dozen amounts, two lists as text; one row in
    # fifty holds a formula (no control character: openpyxl's own append raises on one, the bug)
    rows = []
    for i in range(n):
        name = "=1+1" if i % 50 == 0 else f"城区企业{i}有限公司"
        rows.append(
            [
                i + 2,
                f"E{i}",
                name,
                Decimal("120000.00"),
                *[Decimal(i % 7) * 1000 or None for _ in range(12)],
                "缺少一季度完成投资额",
                "差 12.5 万元达到 20 万元档",
            ]
        )
    return rows


def main(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()
    from openpyxl import Workbook

    from portal.core.exports import append_row

    rows = _rows(n)
    print(
        f"Python {sys.version.split()[0]}, {n:,} rows x {len(rows[0])} cells, write-only workbook",
        flush=True,
    )
    for label, write in (
        ("openpyxl append (unsafe)", lambda s, r: s.append(r)),
        ("append_row", append_row),
    ):
        book = Workbook(write_only=True)
        sheet = book.create_sheet("逐户结果")
        start = time.perf_counter()
        for row in rows:
            write(sheet, row)
        out = io.BytesIO()
        book.save(out)
        print(
            f"  {label:<26} {time.perf_counter() - start:6.2f} s  ({len(out.getvalue()) / 1e6:.1f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
