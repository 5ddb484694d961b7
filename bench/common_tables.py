"""Reading a large .xlsx upload: chengqu's lxml reader against openpyxl, on the same file.

Prints figures; asserts nothing. Run: .venv/bin/python bench/common_tables.py [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    from openpyxl import Workbook

    from portal.core.tables import _xlsx_records_fast, _xlsx_records_openpyxl

    path = Path(tempfile.mkdtemp()) / "upload.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["企业名称", "一季度完成投资额(元)", "增速(%)", "备注", "面积", "空"])
    for i in range(rows):
        sheet.append([f"企业{i}", i * 1.5, i % 40, "文本", 12.25, None])
    book.save(path)
    for label, read in (
        ("lxml (chengqu)", _xlsx_records_fast),
        ("openpyxl read-only", _xlsx_records_openpyxl),
    ):
        start = time.perf_counter()
        read(path)
        elapsed = time.perf_counter() - start
        print(f"{label:>20}: {rows:,} rows in {elapsed:.2f} s ({rows / elapsed:,.0f} rows/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
