"""Reading the spreadsheets people keep: CSV (UTF-8 or GB18030) and .xlsx, row by row.

Every row comes back with its line number in the file, so an error can say "第 7 行"; numbers
stay exact (xlsx numbers become Decimal through their shortest decimal text, never a float).
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from chengqu.common import DomainError
from chengqu.common.bulk import collector_paused


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, object]


# What one table may hold. Every reader stops at these limits with a DomainError that names the file,
# before the content can grow the process: an .xlsx is a zip, and 1.5 MB of deflated sheet XML can
# unpack to 1.5 GB. Measured on the 100,000-row 免申即享 bench (bench/incentives_xlsx.py): a 4.3 MB
# .xlsx whose sheet unpacks to 27 MB (deflated 6:1), read in about 170 MB; the limits leave room for
# twice its rows and sheets several times wider, and refuse what no spreadsheet program writes.
MAX_ROWS = 200_000  # data rows of one table (twice the largest batch the district runs)
MAX_COLUMNS = 2_000  # columns of one row (Excel allows 16,384; the widest import has about 60)
MAX_CELLS = 6_000_000  # cells of one sheet, and blanks before a cell (at worst ~700 MB once read)
MAX_PART_BYTES = (
    200 * 1024 * 1024
)  # one part of an .xlsx unpacked, or one .csv file (7x the bench's sheet)
MAX_OTHER_PART_BYTES = (
    16 * 1024 * 1024
)  # an XML part that is parsed whole (styles, workbook, ...): ~100 KB usually
MAX_ROW_BYTES = (
    4 * 1024 * 1024
)  # the XML of one row or shared string (Excel's longest cell is 32,767 characters)
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # all parts of an .xlsx unpacked
MAX_RATIO = 200  # unpacked : packed of a part over 1 MB (sheets deflate 5-20:1; a zip bomb ~1000:1)
MAX_MEMBERS = 10_000  # parts of an .xlsx (a workbook has a dozen; hundreds with many images)


def read_table(
    path: Path, *, aliases: Mapping[str, str] | None = None, name: str | None = None
) -> list[Row]:
    """The rows of a .csv or .xlsx file; headers are mapped through ``aliases`` (e.g. Chinese labels).

    ``name`` is the file's name as the user knows it (an upload's), used in every error message.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DomainError("table.missing", f"文件不存在: {path}")
    if name is not None and name != path.name:
        try:
            return read_table(path, aliases=aliases)
        except DomainError as error:
            raise DomainError(
                error.code, error.message.replace(path.name, name), field=error.field
            ) from None
    # A large sheet is hundreds of thousands of small lists and dicts, none in a cycle.
    if suffix == ".csv":
        header, records = collector_paused(_csv_records, path)
    elif suffix == ".xlsx":
        header, records = collector_paused(_xlsx_records, path)
    else:
        raise DomainError(
            "table.format", f"不支持的文件格式 {suffix or '(无扩展名)'}: 请使用 .csv 或 .xlsx"
        )
    names = [(aliases or {}).get(h, h) for h in header]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise DomainError("table.header", f"{path.name} 表头重复: {', '.join(duplicated)}")
    return collector_paused(_rows, names, records)


def _rows(names: list[str], records: list[tuple[int, list[object]]]) -> list[Row]:
    rows = []
    for line, cells in records:
        # A blank cell is no value ("is not str or" spares comparing numbers with text).
        values = {
            name: cell
            for name, cell in zip(names, cells, strict=False)
            if name and cell is not None and (cell.__class__ is not str or cell != "")
        }
        if values:
            rows.append(Row(line, values))
    return rows


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    size = path.stat().st_size
    if size > MAX_PART_BYTES:
        raise DomainError(
            "table.csv", f"{path.name} 有 {_mb(size)}, 超过 {_mb(MAX_PART_BYTES)} 上限, 请分批上传"
        )
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
    try:
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise DomainError("table.empty", f"{path.name} 是空文件")
        records: list[tuple[int, list[object]]] = []
        for i, row in enumerate(reader, start=2):
            if i > MAX_ROWS + 1:
                raise _too_many_rows(path.name)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(path.name, i)
            records.append((i, [c.strip() for c in row]))
    except csv.Error as exc:  # a field past csv's 128 KB, a stray quote, a NUL
        why = (
            "单元格超过 131,072 个字符"
            if "field limit" in str(exc)
            else f"引号或分隔符有误 ({exc})"
        )
        raise DomainError(
            "table.csv", f"{path.name} 第 {reader.line_num} 行无法读取: {why}"
        ) from None
    return header, records


def _mb(size: int) -> str:
    return (
        f"{size / (1024 * 1024):.0f} MB"
        if size >= 1024 * 1024
        else f"{size / (1024 * 1024):.1f} MB"
    )


def _too_many_rows(name: str) -> DomainError:
    return DomainError("table.rows", f"{name} 超过 {MAX_ROWS:,} 行上限, 请分批上传")


def _too_many_columns(name: str, line: int) -> DomainError:
    return DomainError("table.columns", f"{name} 第 {line} 行超过 {MAX_COLUMNS:,} 列上限")


def _too_many_cells(name: str) -> DomainError:
    return DomainError("table.cells", f"{name} 的单元格超过 {MAX_CELLS:,} 个上限, 请分批上传")


def _xlsx_records(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    archive = _open_xlsx(path)
    with archive:
        try:
            return _xlsx_records_fast(path, archive)
        except DomainError:
            raise
        except (
            zipfile.BadZipFile
        ) as exc:  # a part that does not unpack (its header lies, or it is cut off)
            raise _invalid(path.name, exc) from None
        except Exception:  # noqa: S110 - parts named or shaped otherwise: openpyxl reads them
            pass
        # openpyxl parses every part it meets: each is unpacked (within the limits) and checked first.
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                data = _part(archive, info, path.name)
                if _streamed(info.filename):
                    _check_spans(data, info.filename, path.name)
    return _xlsx_records_openpyxl(path)


def _invalid(name: str, exc: BaseException | str) -> DomainError:
    return DomainError("table.xlsx", f"{name} 不是有效的 xlsx 文件: {_reason(exc)}")


def _reason(exc: BaseException | str) -> str:
    """What went wrong, in the user's words where zipfile's are known."""
    text = str(exc)
    if isinstance(exc, str):
        return text
    if "CRC" in text:
        return f"内容已损坏 (校验和不符: {text})"
    if isinstance(exc, EOFError) or "Truncated" in text or "truncated" in text:
        return f"文件不完整 ({text})"
    if "not a zip file" in text:
        return "不是 zip 格式 (xlsx 文件是 zip 压缩包)"
    return text


def _open_xlsx(path: Path) -> zipfile.ZipFile:
    """The archive, once its directory and every part's declared size are within the limits."""
    name = path.name
    _check_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _invalid(name, exc) from None
    try:
        total = 0
        for info in archive.infolist():
            _check_declared(info, name)
            total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise DomainError(
                "table.xlsx", f"{name} 解压后共 {_mb(total)}, 超过 {_mb(MAX_UNPACKED_BYTES)} 上限"
            )
    except BaseException:
        archive.close()
        raise
    return archive


_EOCD = struct.Struct("<4s4H2LH")  # the zip's end of central directory record (22 bytes)


def _check_directory(path: Path) -> None:
    """A zip lists its parts at its end: refuse one that lists too many before any is read.

    zipfile would build an object per listed part (a 50 MB upload can list a million).
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (_EOCD.size + 65_535)))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise _invalid(path.name, "找不到 zip 目录 (文件不完整或不是 xlsx)")
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(tail, at)
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and tail[
        at - 20 : at - 16
    ] == b"PK\x06\x07":
        # ZIP64: the true counts are in its own record, which the locator just before points to.
        (offset,) = struct.unpack_from("<Q", tail, at - 12)
        with path.open("rb") as handle:
            handle.seek(offset)
            record = handle.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise _invalid(path.name, "ZIP64 目录不完整")
        entries, directory_size = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_MEMBERS or directory_size > MAX_MEMBERS * 1024:
        raise DomainError(
            "table.xlsx", f"{path.name} 含有 {entries:,} 个部件, 超过 {MAX_MEMBERS:,} 个上限"
        )


def _streamed(part: str) -> bool:
    """A part read element by element (a sheet, the shared strings); any other XML is parsed whole."""
    return part.startswith("xl/worksheets/") or part == "xl/sharedStrings.xml"


def _part_limit(part: str) -> int:
    if part.endswith((".xml", ".rels", ".vml")) and not _streamed(part):
        return MAX_OTHER_PART_BYTES
    return MAX_PART_BYTES


def _check_declared(info: zipfile.ZipInfo, name: str) -> None:
    limit = _part_limit(info.filename)
    if info.file_size > limit:
        raise DomainError(
            "table.xlsx",
            f"{name} 中的 {info.filename} 解压后有 {_mb(info.file_size)}, 超过 {_mb(limit)} 上限",
        )
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise DomainError(
            "table.xlsx",
            f"{name} 中的 {info.filename} 压缩比异常 ({ratio:,}:1, 上限 {MAX_RATIO}:1), 疑似压缩炸弹, 已拒绝",
        )


def _part(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str, name: str) -> bytearray:
    """One part unpacked, never more than its declared size or the limit, and refused if it declares
    a DTD (entities are how an XML bomb or a read of a local file is made; no spreadsheet needs one).

    Read in chunks into one buffer of the declared size: a header that lies costs that size once,
    never a second copy, and zipfile stops at the declared size and then checks the CRC.
    """
    if isinstance(info, str):
        info = archive.getinfo(info)
    _check_declared(info, name)
    limit = min(info.file_size, _part_limit(info.filename))
    data = bytearray(limit + 1)
    size = 0
    try:
        with archive.open(info) as handle, memoryview(data) as view:
            while size <= limit:
                count = handle.readinto(view[size : size + _CHUNK])  # type: ignore[attr-defined]  # ZipExtFile
                if not count:
                    break
                size += count
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise _invalid(name, exc) from None
    if size > limit:
        raise DomainError("table.xlsx", f"{name} 中的 {info.filename} 解压后超过 {_mb(limit)} 上限")
    del data[size:]
    _refuse_dtd(data, info.filename, name)
    return data


_CHUNK = 1 << 20


class _Reader:
    """A file over a buffer, for lxml's iterparse (io.BytesIO would copy the whole part)."""

    def __init__(self, data: bytes | bytearray) -> None:
        self.view = memoryview(data)
        self.at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.view) if size < 0 else self.at + size
        chunk = bytes(self.view[self.at : end])
        self.at += len(chunk)
        return chunk


# Where a row (or a shared string) begins, with or without a namespace prefix.
_SPAN_START = (
    re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]"),
    re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]"),
)


def _check_spans(data: bytes | bytearray, part: str, name: str) -> None:
    """No stretch of a streamed part between two rows (shared strings) passes MAX_ROW_BYTES.

    lxml builds each row whole before the reader sees it, and keeps what lies outside rows: this
    bounds both by the bytes they can come from. A sheet that is read as text skips this.
    """
    last = 0
    for match in _SPAN_START[part == "xl/sharedStrings.xml"].finditer(data):
        if match.start() - last > MAX_ROW_BYTES:
            break
        last = match.start()
    else:
        if len(data) - last <= MAX_ROW_BYTES:
            return
    raise DomainError(
        "table.xlsx", f"{name} 中的 {part} 有一段超过 {_mb(MAX_ROW_BYTES)} 的行或内容, 已拒绝"
    )


_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _refuse_dtd(data: bytes | bytearray, part: str, name: str) -> None:
    if _declares_dtd(data):
        raise DomainError(
            "table.xlsx", f"{name} 中的 {part} 含有 DTD 或实体声明 (XML 炸弹或外部实体), 已拒绝"
        )


def _declares_dtd(data: bytes | bytearray) -> bool:
    """Whether the XML has a document type declaration: the only place an entity can be declared.

    It must stand in the prolog, before the root element, among the XML declaration, processing
    instructions and comments: so only the prolog is read (a part of any size costs nothing).
    """
    if (
        data[:2] in _UTF16 or b"\x00" in data[:4]
    ):  # UTF-16 or UTF-32 (no spreadsheet program's choice)
        for encoding in ("utf-16", "utf-32"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return "<!DOCTYPE" in text or "<!ENTITY" in text
        return True
    at = 0
    while True:
        at = data.find(b"<", at)
        if at < 0:
            return False
        if data.startswith(b"<?", at):
            close = b"?>"
        elif data.startswith(b"<!--", at):
            close = b"-->"
        else:
            return data.startswith(b"<!", at)  # the root element, or a declaration before it
        at = data.find(close, at + 2)
        if at < 0:
            return False


def _parser() -> Any:
    """An lxml parser that loads no DTD, expands no entity, reads no network and keeps lxml's limits."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _xlsx_records_openpyxl(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise _invalid(path.name, exc) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows()
        header = [str(c.value).strip() if c.value is not None else "" for c in next(rows, ())]
        if not any(header):
            raise DomainError("table.empty", f"{path.name} 第一个工作表没有表头")
        records = []
        cells = 0
        for i, row in enumerate(rows, start=2):
            if i > MAX_ROWS + 1:
                raise _too_many_rows(path.name)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(path.name, i)
            cells += len(row)
            if cells > MAX_CELLS:
                raise _too_many_cells(path.name)
            records.append((i, [_openpyxl_cell(c) for c in row]))
    except DomainError:
        raise
    except Exception as exc:  # a part that openpyxl cannot read
        raise _invalid(path.name, exc) from None
    finally:
        book.close()
    return header, records


# ---------------------------------------------------------------- the fast path
#
# openpyxl builds a Python object per cell and reads numbers as floats; a 100,000-row upload took
# about 40 s. Reading the sheet's XML directly with lxml takes a few seconds and keeps numbers
# exact: a cell's text "0.1" becomes Decimal("0.1") without passing through a float.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Built-in number formats that show percentages (0%, 0.00%) and dates or times (ECMA-376 18.8.30).
_PERCENT_FORMAT_IDS = {9, 10}
_DATE_FORMAT_IDS = {
    *range(14, 23),
    27,
    28,
    29,
    30,
    31,
    32,
    33,
    34,
    35,
    36,
    45,
    46,
    47,
    50,
    51,
    52,
    53,
    54,
    55,
    56,
    57,
    58,
}


def _xlsx_records_fast(
    path: Path, archive: zipfile.ZipFile | None = None
) -> tuple[list[str], list[tuple[int, list[object]]]]:
    if archive is None:
        with _open_xlsx(path) as opened:
            return _xlsx_records_fast(path, opened)
    from lxml import etree

    name = path.name
    names = set(archive.namelist())
    workbook = etree.fromstring(_part(archive, "xl/workbook.xml", name), _parser())
    first = workbook.find(f"{_NS}sheets/{_NS}sheet")
    rels = etree.fromstring(_part(archive, "xl/_rels/workbook.xml.rels", name), _parser())
    target = next(r.get("Target") for r in rels if r.get("Id") == first.get(f"{_REL_NS}id"))
    sheet_name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    pr = workbook.find(f"{_NS}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in {"1", "true"}
    shared = _shared_strings(archive, etree, name) if "xl/sharedStrings.xml" in names else []
    date_styles, percent_styles = (
        _styles(archive, etree, name) if "xl/styles.xml" in names else (set(), set())
    )
    data = _part(archive, sheet_name, name)
    read = _sheet_rows_by_text(data, shared, date_styles, percent_styles, date1904, name)
    rows: list[tuple[int, list[object]]] = read if read is not None else []
    if read is None:
        _check_spans(data, sheet_name, name)
    cells_read = 0
    for _, row in etree.iterparse(_Reader(data), tag=f"{_NS}row", **_SAFE) if read is None else ():
        line = int(row.get("r") or len(rows) + 1)
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(name)
        cells: list[object] = []
        for cell in row.iterchildren(_C):
            ref = cell.get("r")
            column = _column_index(ref) if ref else len(cells)
            if column > len(cells):
                if column >= MAX_COLUMNS:
                    raise _too_many_columns(name, line)
                cells.extend([None] * (column - len(cells)))
            cells.append(_fast_cell(cell, shared, date_styles, percent_styles, date1904))
        if len(cells) > MAX_COLUMNS:
            raise _too_many_columns(name, line)
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise _too_many_cells(name)
        rows.append((line, cells))
        row.clear()
    del data
    if not rows or not any(c not in (None, "") for c in rows[0][1]):
        raise DomainError("table.empty", f"{name} 第一个工作表没有表头")
    header = [str(h).strip() if h is not None else "" for h in rows[0][1]]
    return header, rows[1:]


def _shared_strings(archive: Any, etree: Any, name: str) -> list[str]:
    strings = []
    data = _part(archive, "xl/sharedStrings.xml", name)
    _check_spans(data, "xl/sharedStrings.xml", name)
    for _, item in etree.iterparse(_Reader(data), tag=f"{_NS}si", **_SAFE):
        strings.append(
            "".join(t.text or "" for t in item.iter(f"{_NS}t") if t.getparent().tag != f"{_NS}rPh")
        )
        if len(strings) > MAX_CELLS:
            raise _too_many_cells(name)
        item.clear()
        parent = item.getparent()
        if parent is not None:
            del parent[:-1]  # the strings read so far: not kept as empty elements
    return strings


def _unquoted(code: str) -> str:
    """A number format's first section without its quoted text and colours, lower-cased."""
    bare = "".join(part for i, part in enumerate(code.split('"')) if i % 2 == 0)
    bare = bare.split(";")[0].lower()
    for token in ("[red]", "[black]", "[blue]", "[green]"):
        bare = bare.replace(token, "")
    return bare


def _styles(archive: Any, etree: Any, name: str) -> tuple[set[int], set[int]]:
    """The cell styles that show a date or time, and those that show a percentage."""
    styles = etree.fromstring(_part(archive, "xl/styles.xml", name), _parser())
    custom = {
        int(f.get("numFmtId")): f.get("formatCode", "")
        for f in styles.iterfind(f"{_NS}numFmts/{_NS}numFmt")
    }

    def is_date(fmt_id: int) -> bool:
        if fmt_id in _DATE_FORMAT_IDS:
            return True
        bare = _unquoted(custom.get(fmt_id, ""))
        return any(ch in bare for ch in "ymdhs") and "general" not in bare

    def is_percent(fmt_id: int) -> bool:
        return fmt_id in _PERCENT_FORMAT_IDS or "%" in _unquoted(custom.get(fmt_id, ""))

    xfs = styles.find(f"{_NS}cellXfs")
    ids = [int(xf.get("numFmtId", "0")) for xf in (xfs if xfs is not None else [])]
    return (
        {i for i, f in enumerate(ids) if is_date(f)},
        {i for i, f in enumerate(ids) if is_percent(f)},
    )


def _column_index(ref: str) -> int:
    """ "C12" → 2; the letters' index is remembered (a sheet has few columns and many rows)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            if not ch.isalpha():
                break
            index = index * 26 + (ord(ch.upper()) - 64)
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


_COLUMNS: dict[str, int] = {}
_C, _V, _T = f"{_NS}c", f"{_NS}v", f"{_NS}t"


# The sheet XML as text: openpyxl (and Excel, as usually seen) writes each cell as a plain
# <c r=".." s=".." t=".."> holding a <v> or an <is><t>; one regular expression reads those in
# about half the time lxml takes (100,000 rows: 3.6 s → 2.0 s for the whole read). Anything else in the sheet — a formula, rich text, a
# namespace prefix, single quotes, text between rows — and the whole sheet is read with lxml
# instead, so this is a shortcut for what it recognises, never a guess.
_TOKEN = re.compile(
    r"\s*(?:"
    # a cell: column letters, style, type (either order), then nothing, a <v> or an <is><t>
    r'(<c)(?: r="([A-Z]{1,3})\d+")?(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'
    r'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
    # a row's start (its attributes read apart) or its end
    r'|<row((?:\s+[\w:]+="[^"<>]*")*)\s*(/?)>'
    r"|(</row>)"
    r")"
)
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')


_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


# Characters XML 1.0 does not allow (its "Char" production), literal or as a reference: lxml refuses
# such a sheet, so the text reader must not let them through either (a NUL would reach the database).
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    char = chr(int(decimal) if decimal else int(hexadecimal, 16))
    if _NOT_XML_CHAR.match(char):
        raise ValueError("a reference to a character XML does not allow")
    return char


def _xml_text(raw: str) -> str:
    """Character data as an XML parser gives it: entities replaced, line ends normalised.

    An "&" that starts no XML entity raises ValueError (the sheet is then read with lxml).
    """
    if "\r" in raw:  # a literal line end (a &#13; stays a carriage return, as in XML)
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        ampersands = raw.count("&")
        raw, replaced = _ENTITY.subn(_entity, raw)
        if replaced != ampersands:
            raise ValueError("not an XML entity")
    return raw


def _sheet_rows_by_text(
    data: bytes | bytearray,
    shared: list[str],
    date_styles: set[int],
    percent_styles: set[int],
    date1904: bool,
    name: str = "",
) -> list[tuple[int, list[object]]] | None:
    """The sheet's rows read from its text, or None when it holds anything else (see above)."""
    head = data[:200]
    if b"encoding=" in head and not re.search(rb"""encoding=["'](?i:utf-8)["']""", head):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    start = text.find("<sheetData>")
    if start < 0:
        return [] if "<sheetData/>" in text else None
    end = text.find("</sheetData>", start)
    if end < 0:
        return None
    start += len("<sheetData>")
    if _NOT_XML_CHAR.search(text, start, end):
        return None  # not well-formed: lxml reads the sheet and refuses it
    # A cell the pattern reads is at least "<c/>": a sheet long enough to hold more than the limit
    # has its cells counted (in C) before one is built.
    if (end - start) // 4 > MAX_CELLS and text.count("<c", start, end) > MAX_CELLS:
        raise _too_many_cells(name)
    try:
        return _tokens_to_rows(
            text, start, end, shared, date_styles, percent_styles, date1904, name
        )
    except (ValueError, IndexError, ArithmeticError):
        return None  # a bad entity, shared-string index or number: lxml reads it and says so


def _tokens_to_rows(
    text: str,
    start: int,
    end: int,
    shared: list[str],
    date_styles: set[int],
    percent_styles: set[int],
    date1904: bool,
    name: str,
) -> list[tuple[int, list[object]]] | None:
    """The rows of ``text[start:end]`` (the sheetData), read in place."""
    rows: list[tuple[int, list[object]]] = []
    cells: list[object] | None = None
    position = start
    columns = _COLUMNS
    padded = 0  # blanks added before a cell further right: bounded with the cells
    for token in _TOKEN.finditer(text, start, end):
        if token.start() != position:
            return None  # something the pattern does not know: lxml reads the sheet
        position = token.end()
        is_cell, letters, style, kind, style_after, value, inline, row_attrs, closed, row_end = (
            token.groups()
        )
        if is_cell is not None:
            if cells is None:
                return None
            column = columns.get(letters) if letters else len(cells)
            if column is None:
                column = _column_index(letters)
            if column > len(cells):
                padded += column - len(cells)
                if column >= MAX_COLUMNS or padded > MAX_CELLS:
                    raise (
                        _too_many_columns(name, rows[-1][0])
                        if column >= MAX_COLUMNS
                        else _too_many_cells(name)
                    )
                cells.extend([None] * (column - len(cells)))
            if kind == "inlineStr":
                cells.append(_xml_text(inline).strip() if inline is not None else "")
            elif inline is not None:
                return None
            else:
                cells.append(
                    _cell_value(
                        kind or "n",
                        _xml_text(value) if value is not None else None,
                        style or style_after,
                        shared,
                        date_styles,
                        percent_styles,
                        date1904,
                    )
                )
        elif row_end is not None:
            if cells is None:
                return None
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns(name, rows[-1][0])
            cells = None
        else:
            if cells is not None:
                return None
            if len(rows) > MAX_ROWS:
                raise _too_many_rows(name)
            number = _ROW_NUMBER.search(row_attrs)
            cells = []
            rows.append((int(number.group(1)) if number else len(rows) + 1, cells))
            if closed:
                cells = None
    if cells is not None or text[position:end].strip() != "":
        return None
    return rows


def _fast_cell(
    cell: Any, shared: list[str], date_styles: set[int], percent_styles: set[int], date1904: bool
) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":  # every run's text (itertext walks the cell in C, no element objects)
        return "".join(cell.itertext(_T, with_tail=False)).strip()
    value = next(cell.itertext(_V, with_tail=False), None)  # the <v>, after the <f> of a formula
    return _cell_value(kind, value, cell.get("s"), shared, date_styles, percent_styles, date1904)


def _cell_value(
    kind: str,
    value: str | None,
    style_id: str | None,
    shared: list[str],
    date_styles: set[int],
    percent_styles: set[int],
    date1904: bool,
) -> object:
    """A cell's value from its type (``t``), its ``<v>`` text and its style (``s``)."""
    if not value:
        return None
    if kind == "s":
        return shared[int(value)].strip()
    if kind in {"str", "e"}:
        return value.strip()
    if kind == "b":
        return value == "1"
    number = Decimal(value)
    style = int(style_id or "0")
    if style in date_styles:
        return _excel_date(number, date1904)
    if style in percent_styles:
        return _percent_text(number)
    return number


def _percent_text(number: Decimal) -> str:
    """A cell that shows 25% stores 0.25: give what the person typed and sees, "25%"."""
    return f"{number.scaleb(2).normalize():f}%"


def _excel_date(serial: Decimal, date1904: bool) -> object:
    from datetime import timedelta

    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)  # noqa: DTZ001 - a calendar day
    days = int(serial)
    # The fraction of a day in exact decimal, rounded to the millisecond (Excel's own precision;
    # writers store the serial with ~1 µs of noise).
    millis = int(((serial - days) * 86_400_000).quantize(Decimal(1)))
    micros = millis * 1000
    moment = base + timedelta(days=days, microseconds=micros)
    return moment.date() if moment.time() == datetime.min.time() else moment


def _openpyxl_cell(cell: Any) -> object:
    value = getattr(cell, "value", None)
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in _unquoted(getattr(cell, "number_format", "") or "")
    ):
        return _percent_text(Decimal(repr(value)))
    return _cell(value)


def _cell(value: object) -> object:
    """An openpyxl cell value made exact: numbers become Decimal through their shortest text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that round-trips: 0.1 → "0.1"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, str):
        return value.strip()
    return value
