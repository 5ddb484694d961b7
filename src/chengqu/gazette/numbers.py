"""文号, Chinese numerals and dates as the gazette prints them, read into canonical values."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from chengqu.common.errors import DomainError

# Every bracket pair a converted 文号 turns up with; the canonical pair is 〔〕 (GB/T 9704-2012 7.2.4).
OPEN_BRACKETS = "〔[(（［﹝【"
CLOSE_BRACKETS = "〕])）］﹞】"

# 机关代字 seen in practice, longest first when compiled; the loose pattern is the fallback.
KNOWN_CODES = (
    "城政办发",
    "城政办函",
    "城政发",
    "城政函",
    "城政办",
    "城环字",
    "晋市政发",
    "晋市政办发",
    "晋市安委办发",
    "晋政发",
    "晋政办发",
    "晋政办函",
    "晋政函",
    "国发明电",
    "国办发明电",
    "国办发",
    "国办函",
    "国发",
    "国函",
)

_CODE_CHARS = r"[\u4e00-\u9fffA-Za-z]"
_NUMBER_RE = re.compile(
    rf"(?P<code>{_CODE_CHARS}{{1,12}}?)\s*[{re.escape(OPEN_BRACKETS)}]\s*(?P<year>(?:19|20)\d{{2}})\s*"
    rf"[{re.escape(CLOSE_BRACKETS)}]\s*第?\s*(?P<seq>\d{{1,5}})\s*号"
)
_ORDER_RE = re.compile(rf"(?P<code>{_CODE_CHARS}{{0,10}}令)\s*第\s*(?P<seq>\d{{1,5}})\s*号")

# Words that can stand right before a 文号 in running text and are not part of its code.
_LEADING_WORDS = (
    "按照",
    "根据",
    "依据",
    "依照",
    "参照",
    "参见",
    "执行",
    "印发",
    "转发",
    "见",
    "即",
    "和",
    "与",
    "及",
    "以及",
    "或",
    "的",
    "按",
    "依",
    "据",
    "经",
    "由",
    "对",
    "将",
    "在",
    "是",
    "为",
    "原",
)


def _fold(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), brackets left to the patterns."""
    return unicodedata.normalize("NFKC", text)


def _strip_leading_words(code: str) -> str:
    for known in sorted(KNOWN_CODES, key=len, reverse=True):
        if code.endswith(known):
            return known
    changed = True
    while changed and len(code) > 2:
        changed = False
        for word in _LEADING_WORDS:
            if code.startswith(word) and len(code) - len(word) >= 2:
                code = code[len(word) :]
                changed = True
                break
    return code


def normalise_doc_number(text: str) -> str | None:
    """The canonical 文号 (``城政办发〔2024〕6号``) of a text that is one, else None.

    Any bracket form (〔〕 [] () （） ［］ ﹝﹞ 【】), full-width digits, spaces, a stray 第 and
    leading zeros are accepted; an order number (``国令第707号``) keeps its own form.
    Source: GB/T 9704-2012 7.2.4 (发文字号: 机关代字、年份、发文顺序号; 年份用六角括号〔〕括入; 不编虚位, 不加"第"字).
    """
    folded = _fold(text).strip()
    compact = re.sub(r"\s+", "", folded)
    match = _NUMBER_RE.fullmatch(compact)
    if match:
        return f"{match['code']}〔{match['year']}〕{int(match['seq'])}号"
    order = _ORDER_RE.fullmatch(compact)
    if order and order["code"]:
        return f"{order['code']}第{int(order['seq'])}号"
    return None


def parse_doc_number(text: str) -> tuple[str, int | None, int]:
    """(机关代字, year, sequence) of a 文号; an order number has no year.

    Raises DomainError ``gazette.bad_number`` when the text is not a 文号.
    Source: GB/T 9704-2012 7.2.4.
    """
    canonical = normalise_doc_number(text)
    if canonical is None:
        raise DomainError("gazette.bad_number", f"不是有效的发文字号: {text!r}", field="number")
    match = _NUMBER_RE.fullmatch(canonical)
    if match:
        return match["code"], int(match["year"]), int(match["seq"])
    order = _ORDER_RE.fullmatch(canonical)
    assert order is not None  # normalise_doc_number produced one of the two forms
    return order["code"], None, int(order["seq"])


def find_doc_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every 文号 in running text as (start, end, canonical); the code is trimmed of lead words."""
    found: list[tuple[int, int, str]] = []
    for match in _NUMBER_RE.finditer(text):
        code = _strip_leading_words(_fold(match["code"]))
        start = match.end("code") - len(code)
        canonical = f"{code}〔{match['year']}〕{int(match['seq'])}号"
        found.append((start, match.end(), canonical))
    return found


# ------------------------------------------------------------------ numerals

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "◯": 0,
    "Ｏ": 0,
    "O": 0,
    "o": 0,
    "0": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMERAL = "零〇○一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int:
    """The value of a Chinese numeral (十二 → 12, 二十 → 20, 一百零五 → 105) or Arabic digits.

    Raises DomainError ``gazette.numeral`` when the text is not a numeral.
    Source: GB/T 9704-1999 (汉字成文日期, as documents dated before the 2012 standard print them).
    """
    text = _fold(text).strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise DomainError("gazette.numeral", f"无法识别的中文数字: {text!r}")
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def _cn_year(text: str) -> int:
    """A year written digit by digit (二○二四 → 2024) or in Arabic digits."""
    text = _fold(text).strip()
    if text.isdigit():
        return int(text)
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    raise DomainError("gazette.numeral", f"无法识别的年份: {text!r}")


_YEAR = r"(?:\d{4}|[零〇○◯Ｏ一二三四五六七八九Oo0]{4})"
_MD = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE_PATTERN = rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MD})\s*月\s*(?P<d>{_MD})\s*日"
_DATE_RE = re.compile(DATE_PATTERN)
_MONTH_DAY_RE = re.compile(rf"(?P<m>{_MD})\s*月\s*(?P<d>{_MD})\s*日")


def parse_cn_date(text: str) -> date | None:
    """The date a text is (2024年3月5日, 二○二四年三月五日, 2018年12月04日), else None.

    Raises DomainError ``gazette.bad_date`` for an impossible date (2024年2月30日).
    Source: GB/T 9704-2012 7.3.5.1 (成文日期 用阿拉伯数字将年、月、日标全).
    """
    match = _DATE_RE.fullmatch(_fold(text).strip())
    if match is None:
        return None
    return _date_of(match)


# A signing date as documents write it: the year digit by digit (二〇二四, 二○二四, 二O二四,
# 二零二四, 2024, ２０２４), month and day as numerals (三月八日, 十二月三十一日) or digits
# (3月8日, 03月08日); spaces and line breaks may stand between the parts.
_ZERO_SIGNS = "零〇○◯Oo0"
_YEAR_DIGITS = {
    **dict.fromkeys(_ZERO_SIGNS, 0),
    **{ch: n for n, ch in enumerate("一二三四五六七八九", 1)},
}
_YEAR_DIGITS.update({str(n): n for n in range(10)})
_CN_UNIT = "一二三四五六七八九"
# 1-9, 10-19, 20-29 and 30/31 as numerals are written; nothing else is (no 二十十, no 十十).
_CN_MD = rf"(?:[{_CN_UNIT}]|十[{_CN_UNIT}]?|[二三]十[{_CN_UNIT}]?)"
_READ_DATE_RE = re.compile(
    rf"(?P<y>[{_ZERO_SIGNS}一二三四五六七八九\d]{{4}})\s*年\s*"
    rf"(?P<m>\d{{1,2}}|{_CN_MD})\s*月\s*(?P<d>\d{{1,2}}|{_CN_MD})\s*日"
)


def read_date(text: str) -> date | None:
    """The date a text is, in every form signing dates are written in, else None.

    Accepts 2024年3月8日, ２０２４年３月８日, 二〇二四年三月八日, 二○二四年三月八日 (○ U+25CB),
    二O二四年 / 二o二四年 (a Latin letter for zero), 二零二四年, and the parts split by spaces or
    line breaks (二〇二四年\n三月八日). A date that does not exist (二〇二四年二月三十日), a numeral
    no one writes (二十十日) and a text that is not one whole date all give None: never a guess.
    Source: GB/T 9704-2012 7.3.5.1 (成文日期); GB/T 9704-1999 (汉字成文日期); issue 20 point 4.
    """
    match = _READ_DATE_RE.fullmatch(_fold(text).strip())
    if match is None:
        return None
    year = int("".join(str(_YEAR_DIGITS[ch]) for ch in match["y"]))
    month, day = cn_to_int(match["m"]), cn_to_int(match["d"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_of(match: re.Match[str], year: int | None = None) -> date:
    y = year if year is not None else _cn_year(match["y"])
    m = cn_to_int(match["m"])
    d = cn_to_int(match["d"])
    try:
        return date(y, m, d)
    except ValueError:
        raise DomainError("gazette.bad_date", f"日期不存在: {match.group(0)}") from None


def find_date(text: str) -> date | None:
    """The first full date in running text, else None; impossible dates are skipped."""
    for match in _DATE_RE.finditer(_fold(text)):
        try:
            return _date_of(match)
        except DomainError:
            continue
    return None


def month_day(text: str, year: int) -> date | None:
    """A month-and-day written without its year (4月5日), in the given year."""
    match = _MONTH_DAY_RE.fullmatch(_fold(text).strip())
    if match is None:
        return None
    m, d = cn_to_int(match["m"]), cn_to_int(match["d"])
    try:
        return date(year, m, d)
    except ValueError:
        return None


def add_years(start: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February falls back to the 28th."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def add_months(start: date, months: int) -> date:
    """The same calendar day ``months`` later, or the month's last day when it has none."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
