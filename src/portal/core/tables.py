"""Reading the spreadsheets people keep: CSV (UTF-8 or GB18030) and .xlsx, row by row.

Every row comes back with its line number in the file, so an error can say "第 7 行"; numbers
stay exact (xlsx numbers become Decimal through their shortest decimal text, never a float).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from chengqu.common import DomainError


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, object]


def read_table(path: Path, *, aliases: Mapping[str, str] | None = None) -> list[Row]:
    """The rows of a .csv or .xlsx file; headers are mapped through ``aliases`` (e.g. Chinese labels)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DomainError("table.missing", f"文件不存在: {path}")
    if suffix == ".csv":
        header, records = _csv_records(path)
    elif suffix == ".xlsx":
        header, records = _xlsx_records(path)
    else:
        raise DomainError("table.format", f"不支持的文件格式 {suffix or '(无扩展名)'}: 请使用 .csv 或 .xlsx")
    names = [(aliases or {}).get(h, h) for h in header]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise DomainError("table.header", f"{path.name} 表头重复: {', '.join(duplicated)}")
    rows = []
    for line, cells in records:
        values = {name: cell for name, cell in zip(names, cells, strict=False) if name and cell not in (None, "")}
        if values:
            rows.append(Row(line, values))
    return rows


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DomainError("table.encoding", f"{path.name} 编码无法识别")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if not header:
        raise DomainError("table.empty", f"{path.name} 是空文件")
    return header, [(i, [c.strip() for c in row]) for i, row in enumerate(reader, start=2)]


def _xlsx_records(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise DomainError("table.xlsx", f"{path.name} 不是有效的 xlsx 文件: {exc}") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    if not any(header):
        raise DomainError("table.empty", f"{path.name} 第一个工作表没有表头")
    records = [(i, [_cell(c) for c in row]) for i, row in enumerate(rows, start=2)]
    book.close()
    return header, records


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that round-trips: 0.1 → "0.1"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | str):
        return value.strip() if isinstance(value, str) else value
    return value
