"""Signing dates as real documents write them (issue 20 point 4), and where they put them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengqu.gazette import ParseResult, parse_issue, read_date

FIXTURES = Path(__file__).parent / "fixtures"
_CN = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1-31 as a month or day is written: 八, 十, 十二, 二十, 三十一."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")
    return head + (_CN[units] if units else "")


def _cn_year(year: int, zero: str) -> str:
    return "".join(zero if ch == "0" else _CN[int(ch)] for ch in str(year))


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


FORMS = {
    "arabic": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "arabic_padded": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    "full_width": lambda d: _full_width(f"{d.year}年{d.month}月{d.day}日"),
    **{
        f"numerals_{name}": (
            lambda d, z=zero: f"{_cn_year(d.year, z)}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
        )
        for name, zero in (
            ("ling_circle", "〇"),
            ("white_circle", "○"),
            ("latin_O", "O"),
            ("latin_o", "o"),
            ("ling", "零"),
        )
    },
}
SPLITS = ("", " ", "\n", "年\n")  # joined, spaced, year | month-day, a blank-free break

DATES = st.dates(min_value=date(1949, 10, 1), max_value=date(2099, 12, 31))


@settings(max_examples=200, deadline=None)
@given(day=DATES, form=st.sampled_from(sorted(FORMS)), split=st.sampled_from(SPLITS))
def test_every_written_form_reads_back(day: date, form: str, split: str) -> None:
    text = FORMS[form](day)
    if split == "年\n":
        text = text.replace("年", "年\n", 1)
    elif split:
        text = text.replace("年", "年" + split, 1).replace("月", "月" + split, 1)
    assert read_date(text) == day


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(1949, 2099),
    month=st.integers(1, 12),
    day=st.integers(1, 31),
    zero=st.sampled_from("〇○Oo零"),
)
def test_days_that_do_not_exist_are_none(year: int, month: int, day: int, zero: str) -> None:
    try:
        date(year, month, day)
    except ValueError:
        pass
    else:
        return
    assert read_date(f"{_cn_year(year, zero)}年{_cn_number(month)}月{_cn_number(day)}日") is None
    assert read_date(f"{year}年{month}月{day}日") is None


@pytest.mark.parametrize(
    "text",
    [
        "二〇二四年二月三十日",
        "二〇二三年二月二十九日",
        "2024年13月1日",
        "2024年0月1日",
        "二〇二四年二月二十十日",  # no one writes 二十十
        "二〇二四年十十月一日",
        "二〇二四年三月",
        "2024年3月8日印发",
        "本办法自4月5日起施行",
        "",
    ],
)
def test_not_a_date_is_none(text: str) -> None:
    assert read_date(text) is None


def test_the_standard_examples() -> None:
    assert read_date("二○二四年三月八日") == date(2024, 3, 8)
    assert read_date("二〇二四年三月八日") == date(2024, 3, 8)
    assert read_date("2024年3月8日") == date(2024, 3, 8)
    assert read_date("２０２４年３月８日") == date(2024, 3, 8)
    assert read_date("二〇二四年\n三月八日") == date(2024, 3, 8)
    assert read_date("2024年3月\n8日") == date(2024, 3, 8)


def _parse(name: str) -> ParseResult:
    return parse_issue((FIXTURES / name).read_text(encoding="utf-8"))


def test_cover_letter_date_before_the_attached_text() -> None:
    """The 印发 notice is dated at the end of its cover letter (written with ○), not at the
    end of the document; the dates inside the attached plan are not its date."""
    result = _parse("cover-letter-date.txt")
    (doc,) = result.documents
    assert doc.number == "城政办发〔2024〕10号"
    assert doc.signed_date == date(2024, 3, 8)
    assert doc.issuer == "晋城市城区人民政府办公室"
    assert str(doc.public) == "主动公开"
    assert [a.title for a in doc.attachments] == ["晋城市城区某某实施方案"]
    assert result.warnings == ()
    (span,) = [s for s in result.spans if s.role == "date"]
    assert (span.line_start, span.line_end) == (9, 9)


def test_date_split_over_two_lines() -> None:
    result = _parse("split-date.txt")
    (doc,) = result.documents
    assert doc.signed_date == date(2024, 3, 8)
    assert doc.issuer == "晋城市城区人民政府"
    assert result.warnings == ()
    (span,) = [s for s in result.spans if s.role == "date"]
    assert (span.line_start, span.line_end) == (9, 10)
    assert all("三月八日" not in c.text for c in doc.all_clauses())


def test_split_arabic_date_in_a_cover_letter() -> None:
    text = (FIXTURES / "cover-letter-date.txt").read_text(encoding="utf-8")
    text = text.replace("二○二四年三月八日", "2024年3月\n8日")
    result = parse_issue(text)
    assert result.documents[0].signed_date == date(2024, 3, 8)
    assert result.warnings == ()


def test_unreadable_date_is_none_with_a_warning() -> None:
    result = _parse("unreadable-date.txt")
    (doc,) = result.documents
    assert doc.signed_date is None  # 二〇二四年二月三十日 does not exist: no date, not a guess
    (warning,) = result.warnings
    assert warning.code == "gazette.date_unreadable"
    assert warning.ref == "城政发〔2024〕8号"
    assert (warning.line_start, warning.text) == (9, "二〇二四年二月三十日")
    assert "成文日期" in warning.message


def test_document_without_any_date_says_so() -> None:
    text = (FIXTURES / "unreadable-date.txt").read_text(encoding="utf-8")
    result = parse_issue(text.replace("二〇二四年二月三十日\n", ""))
    assert result.documents[0].signed_date is None
    assert [w.code for w in result.warnings] == ["gazette.date_missing"]


def test_unreadable_labelled_date_does_not_fall_back_to_a_wrong_one() -> None:
    from chengqu.gazette import to_json

    result = _parse("unreadable-date.txt")
    assert to_json(result)["warnings"][0]["code"] == "gazette.date_unreadable"
    assert to_json(result)["documents"][0]["signed_date"] is None
