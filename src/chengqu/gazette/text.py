"""Reading converted text: decoding, cleaning conversion damage, and rejoining broken lines."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chengqu.common.errors import DomainError
from chengqu.gazette.numbers import DATE_PATTERN

# ------------------------------------------------------------------ decoding


def decode(data: bytes | str) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK bytes.

    Raises DomainError gazette.empty, gazette.binary or gazette.undecodable.
    """
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        if not data.strip():
            raise DomainError("gazette.empty", "文件为空: 没有可以解析的公报内容")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                raise DomainError("gazette.undecodable", "文件无法按 UTF-16 解码") from None
        else:
            if _looks_binary(data):
                raise DomainError(
                    "gazette.binary",
                    "文件是二进制数据, 不是文本: 请提供公报的文字版 (UTF-8 或 GBK 编码)",
                )
            text = _decode_text(data)
    if "\x00" in text:
        raise DomainError("gazette.binary", "文件包含二进制数据 (NUL 字符), 不是文本")
    if not text.strip():
        raise DomainError("gazette.empty", "文件为空: 没有可以解析的公报内容")
    return text


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 20


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("gazette.undecodable", "文件编码无法识别: 既不是 UTF-8, 也不是 GBK/GB18030")


# ------------------------------------------------------------------ line cleaning

_LATEX_RE = re.compile(r"\$([^$\n]{1,80})\$")
_LATEX_GROUP_RE = re.compile(r"[_^]\{([^{}]*)\}")
_LATEX_SINGLE_RE = re.compile(r"[_^](\w)")
_LATEX_COMMANDS = {
    r"\times": "×",
    r"\cdot": "·",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\le": "≤",
    r"\ge": "≥",
    r"\%": "%",
    r"\,": "",
    r"\ ": " ",
    r"\sim": "~",
    r"\pm": "±",
    r"\mu": "μ",
}
_BARE_SUBSCRIPT_RE = re.compile(r"(?<=[A-Z])_\{?(\d+(?:\.\d+)?)\}?")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^\s<>]+)>")
_BULLET_RE = re.compile(r"^[-*•·]\s+(?=\S)")
_RULE_RE = re.compile(r"^[\s\-=_*~#·.]{3,}$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def _latex(match: re.Match[str]) -> str:
    body = match.group(1)
    for command, plain in _LATEX_COMMANDS.items():
        body = body.replace(command, plain)
    body = re.sub(r"\\(?:mathrm|text|rm|mathbf)\{([^{}]*)\}", r"\1", body)
    body = _LATEX_GROUP_RE.sub(r"\1", body)
    body = _LATEX_SINGLE_RE.sub(r"\1", body)
    return body.replace("{", "").replace("}", "").strip()


def clean_line(raw: str) -> list[str]:
    """A source line with conversion damage repaired; bold-glued headings come back as two.

    ``$PM_{2.5}$`` → ``PM2.5``, ``O_3`` → ``O3``, ``**`` dropped, markdown bullets and
    ``<url>`` brackets removed, non-breaking and zero-width spaces normalised.
    """
    line = raw.translate(_ZERO_WIDTH).replace("\u00a0", " ").rstrip()
    line = _LATEX_RE.sub(_latex, line)
    line = _BARE_SUBSCRIPT_RE.sub(r"\1", line)
    line = _AUTOLINK_RE.sub(r"\1", line)
    pieces: list[str] = []
    if "**" in line:
        # "四、…负责的工作**(一)…**": a heading glued to the next one by bold markers.
        parts = list(line.split("**"))
        current = ""
        for index, part in enumerate(parts):
            if (
                index % 2 == 1
                and current.strip()
                and part.strip()
                and is_heading_start(part.strip())
            ):
                pieces.append(current)
                current = part
            else:
                current += part
        pieces.append(current)
    else:
        pieces = [line]
    out = []
    for piece in pieces:
        piece = _BULLET_RE.sub("", piece.strip())
        if piece:
            out.append(piece)
    return out


def is_rule(line: str) -> bool:
    """A layout rule (-----, =====) that carries no words."""
    return bool(_RULE_RE.match(line))


# ------------------------------------------------------------------ classifying lines

CJK = r"\u4e00-\u9fff"
_CN_NUM = "零〇一二三四五六七八九十百两"
HEADING_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chp", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*章(?:\s+|$)")),
    ("sect", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*节(?:\s+|$)")),
    ("art", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*条(?:\s+|$|(?=[{CJK}]))")),
    ("para", re.compile(rf"^([{_CN_NUM}]+)\s*[、.．]\s*")),
    ("subpara", re.compile(rf"^[(（]\s*([{_CN_NUM}]+)\s*[)）]\s*")),
    ("dsec", re.compile(r"^(\d{1,2}(?:\s*[.．]\s*\d{1,2})+)\s+(?=\S)")),
    ("sec", re.compile(rf"^(\d{{1,2}})\s+(?=[{CJK}])")),
    ("item", re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    ("item", re.compile(r"^(\d{1,3})\s*[.．](?=\d)")),
    ("point", re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*")),
    ("subpoint", re.compile("^([\u2460-\u2473])\\s*")),
)

_TERMINAL = "。！？!?；;：:…"
_CLOSERS = "”’」』)）】〕》>]］"
_OPENERS = {
    "(": ")",
    "（": "）",
    "〔": "〕",
    "《": "》",
    "“": "”",
    "[": "]",
    "［": "］",
    "【": "】",
}
_LABEL_RE = re.compile(rf"^[{CJK}A-Za-z][{CJK}A-Za-z\s]{{0,9}}[:：]")
_NAME_TITLE_RE = re.compile(
    rf"^[{CJK}]{{1,4}}(?:[ \u3000][{CJK}]{{1,2}})?[ \u3000\t]+[{CJK}][{CJK}、，,()（）\s]*$"
)
DATE_LINE_RE = re.compile(rf"^{DATE_PATTERN}$")
NOTE_RE = re.compile(r"^[(（]\s*此件\s*(.{2,12}?)\s*[)）]$")


def compact(text: str) -> str:
    """Text with every space removed (for comparing titles across layouts)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def tidy_heading(text: str) -> str:
    """A heading or title with the spaces a layout put between its characters removed."""
    text = re.sub(rf"(?<=[{CJK}])[ \u3000\t]+(?=\S)|(?<=\S)[ \u3000\t]+(?=[{CJK}])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def is_heading_start(text: str) -> bool:
    return heading_match(text) is not None


def heading_match(text: str) -> tuple[str, re.Match[str]] | None:
    """The numbering a paragraph starts with, as (kind, match), or None."""
    for kind, pattern in HEADING_RES:
        match = pattern.match(text)
        if match:
            if kind == "sec" and len(text) > 30:
                continue  # "1 总则" is short; a long line starting with a number is prose
            return kind, match
    return None


def is_label(text: str) -> bool:
    """A "标签:" line (指挥长:…, 发文字号：…)."""
    return bool(_LABEL_RE.match(text))


def is_name_title(text: str) -> bool:
    """A "姓名 职务" line from a list of members (郭海峰 区自然资源局局长)."""
    return len(text) <= 32 and bool(_NAME_TITLE_RE.match(text.strip()))


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE_RE.match(unicodedata.normalize("NFKC", text).strip()))


def unbalanced(text: str) -> bool:
    """Whether a bracket or quote opened in the text is still open at its end."""
    depth = 0
    closers = {close: open_ for open_, close in _OPENERS.items()}
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in closers and depth > 0:
            depth -= 1
    return depth > 0


def ends_terminal(text: str) -> bool:
    """Whether a paragraph ends a sentence (。；： or a balanced closing bracket)."""
    stripped = text.rstrip()
    if not stripped:
        return True
    last = stripped[-1]
    if last in _TERMINAL:
        return True
    if last in _CLOSERS:
        body = stripped.rstrip(_CLOSERS)
        return (body[-1:] in _TERMINAL) or not unbalanced(stripped)
    return False


def bare_heading(text: str) -> bool:
    """A numbered heading standing alone (一、指导思想), not a numbered sentence."""
    found = heading_match(text)
    if found is None:
        return False
    rest = text[found[1].end() :]
    outside = re.sub(r"[(（][^()（）]*[)）]", "", rest)
    if len(rest) > 40 or re.search(r"[。；;：:]", outside):
        return False
    if rest.rstrip()[-1:] in "和与及或的、，,":
        return False  # a heading does not end on a conjunction: the line was broken
    # an enumeration or clause (…、…, …) as wide as the page is a sentence broken by the layout
    return not (re.search(r"[、，,]", outside) and len(text) >= WIDTH_BREAK)


# A line this long that ends mid-sentence was broken by the page width, not by the author.
WIDTH_BREAK = 18


@dataclass(frozen=True, slots=True)
class Unit:
    """One cleaned source line: its number, text, and whether a blank line came before it."""

    line: int
    text: str
    gap: bool = False


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph rebuilt from one or more units."""

    line_start: int
    line_end: int
    text: str


def should_join(prev: str, last_line: str, nxt: str) -> bool:
    """Whether ``nxt`` continues the paragraph ``prev`` (whose last physical line is ``last_line``)."""
    if not prev or not nxt:
        return False
    if is_table_row(last_line) or is_table_row(nxt):
        return False
    if ends_terminal(prev):
        return False
    if unbalanced(prev):
        return True
    if is_date_line(nxt) or NOTE_RE.match(nxt):
        return False
    nxt_heading = heading_match(nxt)
    if nxt_heading and not re.match(r"^\d+[.．]\d", nxt):
        return False
    if is_label(nxt) and not is_label_continuation(nxt):
        return False
    if prev.rstrip()[-1] in "、，,":
        return True
    if bare_heading(prev):
        return False
    if is_name_title(last_line) or is_name_title(nxt):
        return False
    if is_label(last_line) and len(last_line) <= 24:
        return False
    return len(last_line) >= WIDTH_BREAK


def is_label_continuation(text: str) -> bool:
    """ "导:赵晋梁)": a label-looking line that only closes a bracket left open above."""
    return bool(re.match(r"^[^(（]{1,4}[:：][^(（]*[)）]$", text))


def is_table_row(text: str) -> bool:
    return "\t" in text


def join_units(units: list[Unit]) -> list[Para]:
    """Paragraphs from cleaned lines, joining lines broken mid-sentence or mid-heading."""
    paras: list[Para] = []
    start = end = 0
    buf = ""
    last = ""
    for unit in units:
        if buf and should_join(buf, last, unit.text):
            glue = (
                " "
                if re.match(r"[A-Za-z0-9]", unit.text[:1]) and re.search(r"[A-Za-z0-9]$", buf)
                else ""
            )
            buf += glue + unit.text
            end = unit.line
            last = unit.text
            continue
        if buf:
            paras.append(Para(start, end, buf))
        buf, start, end, last = unit.text, unit.line, unit.line, unit.text
    if buf:
        paras.append(Para(start, end, buf))
    return paras


# ------------------------------------------------------------------ mangled tables

_PROSE_CELL = 16


def repair_table(rows: list[Unit]) -> tuple[Para, list[Unit]]:
    """A table whose rows came out as tab-separated lines, with prose glued into its cells.

    Returns the table as one paragraph (cells joined by tabs, rows by newlines) and the prose
    cells, in reading order, as units to be rejoined with the text that follows.
    """
    table_rows: list[str] = []
    prose: list[Unit] = []
    for row in rows:
        cells = [cell.strip() for cell in row.text.split("\t")]
        kept: list[str] = []
        for cell in cells:
            if not cell:
                continue
            if len(compact(cell)) >= _PROSE_CELL or "。" in cell:
                prose.append(Unit(row.line, cell))
            else:
                kept.append(cell)
        if kept:
            table_rows.append("\t".join(kept))
    table = Para(rows[0].line, rows[-1].line, "\n".join(table_rows))
    return table, prose
