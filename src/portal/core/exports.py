"""Writing stored text into the files people download (.xlsx, .csv, .docx): no cell runs a formula,
no character breaks the file, and numbers and dates stay numbers and dates.

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab or a carriage
return before one) as a formula: ``=HYPERLINK(...)`` becomes a live link and ``=cmd|' /C calc'!A0``
asks to start a program (OWASP, "CSV Injection"). Every exporter writes through this module:

- .xlsx: every text is a string cell, its visible text unchanged. openpyxl would otherwise store a
  str starting with ``=`` as a formula and one such as ``#N/A`` as an error value.
- .csv: a text starting with one of those characters is prefixed with ``'``, which spreadsheets show
  as text (OWASP's advice); a real number (``Decimal("-1")``) is written as the number it is.
- everywhere: the characters XML 1.0 forbids (C0 controls other than tab, LF and CR, lone surrogates,
  U+FFFE and U+FFFF) are removed; openpyxl and python-docx refuse them, which was a 500.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"

# What a spreadsheet reads as the start of a formula (OWASP), and "#" for openpyxl's error values.
FORMULA_START = frozenset("=+-@\t\r")
_FORCED_TEXT = FORMULA_START | {"#"}
# openpyxl's ILLEGAL_CHARACTERS_RE ([\x00-\x08\x0b\x0c\x0e-\x1f]) and the rest of what XML 1.0 excludes.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_SEARCH = ILLEGAL_CHARACTERS.search
_PLAIN = (int, float, Decimal, date, time, timedelta)  # bool is an int; datetime is a date
_KEPT = frozenset(
    {int, float, Decimal, date, bool, type(None)}
)  # exactly these classes: as they are


class _Sheet(Protocol):
    def append(self, iterable: Any) -> None: ...


class _Saveable(Protocol):
    def save(self, filename: Any) -> None: ...


def clean_text(value: object) -> str:
    """``value`` as text with the characters no .xlsx or .docx may hold removed."""
    text = value if isinstance(value, str) else str(value)
    return ILLEGAL_CHARACTERS.sub("", text) if ILLEGAL_CHARACTERS.search(text) else text


def xlsx_value(sheet: object, value: object) -> Any:
    """What to append for ``value``: numbers, dates and None as they are, text as a string cell."""
    kind = value.__class__
    if kind is str:  # the common cases first: an export is mostly text, amounts and blanks
        text: str = value  # type: ignore[assignment]
        if _ILLEGAL_SEARCH(text):
            text = ILLEGAL_CHARACTERS.sub("", text)
    elif kind in _KEPT:
        return value
    elif value is None or isinstance(value, _PLAIN):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        return value
    elif isinstance(value, Cell):  # a styled cell from the caller: its text gets the same rule
        if isinstance(value.value, str):
            value.value = clean_text(value.value)
            value.data_type = "s"
        return value
    else:
        text = clean_text(value)
    if text and text[0] in _FORCED_TEXT:
        cell = WriteOnlyCell(sheet, value=text)  # type: ignore[arg-type]  # any worksheet accepts it
        cell.data_type = "s"  # set after the value: assigning the value would make it "f"
        return cell
    return text


def xlsx_row(sheet: object, values: Iterable[object]) -> list[Any]:
    return [xlsx_value(sheet, v) for v in values]


def append_row(sheet: _Sheet, values: Iterable[object]) -> None:
    """``sheet.append(values)`` with every value made safe (see the module docstring)."""
    sheet.append(xlsx_row(sheet, values))


def csv_field(value: object) -> object:
    """A csv field: numbers and dates as they are, text cleaned and, if a formula could start, quoted."""
    if value is None:
        return ""
    if isinstance(value, _PLAIN):
        return value
    text = clean_text(value)
    return "'" + text if text and text[0] in FORMULA_START else text


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as UTF-8 csv with a byte-order mark (so that Excel reads the Chinese as written)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_field(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def saved(document: _Saveable) -> bytes:
    """An openpyxl workbook or a python-docx document as the bytes of its file."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(clean_text(filename))}"


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download: ``data`` offered as ``filename`` (any script, RFC 6266 / 5987)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition(filename)
    return response


def xlsx_response(book: bytes | _Saveable, filename: str) -> HttpResponse:
    return attachment(book if isinstance(book, bytes) else saved(book), filename, XLSX)


def docx_response(document: bytes | _Saveable, filename: str) -> HttpResponse:
    return attachment(document if isinstance(document, bytes) else saved(document), filename, DOCX)


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> HttpResponse:
    return attachment(csv_bytes(rows), filename, CSV)
