"""文号 normalisation, Chinese numerals and dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common.errors import DomainError
from chengqu.gazette import cn_to_int, normalise_doc_number, parse_cn_date, parse_doc_number
from chengqu.gazette.numbers import find_doc_numbers

BRACKETS = [
    ("〔", "〕"),
    ("[", "]"),
    ("(", ")"),
    ("（", "）"),
    ("［", "］"),
    ("﹝", "﹞"),
    ("【", "】"),
]
CODES = ["城政发", "城政办发", "晋政办发", "国办发明电", "城环字", "晋市安委办发"]


@given(
    code=st.sampled_from(CODES),
    year=st.integers(min_value=1949, max_value=2099),
    seq=st.integers(min_value=1, max_value=99999),
    brackets=st.sampled_from(BRACKETS),
    spaces=st.sampled_from(["", " ", "　"]),
    fullwidth=st.booleans(),
)
def test_any_bracket_form_round_trips_to_canonical(
    code: str, year: int, seq: int, brackets: tuple[str, str], spaces: str, fullwidth: bool
) -> None:
    digits = str(year)
    if fullwidth:
        digits = "".join(chr(ord(d) + 0xFEE0) for d in digits)
    written = f"{code}{spaces}{brackets[0]}{digits}{brackets[1]}{spaces}{seq}{spaces}号"
    canonical = f"{code}〔{year}〕{seq}号"
    assert normalise_doc_number(written) == canonical
    assert normalise_doc_number(canonical) == canonical  # idempotent
    assert parse_doc_number(written) == (code, year, seq)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("城政办发[2024]6号", "城政办发〔2024〕6号"),
        ("城政办发【2024】06号", "城政办发〔2024〕6号"),  # no leading zeros (GB/T 9704 不编虚位)
        ("城政发〔2024〕第2号", "城政发〔2024〕2号"),  # no 第
        ("国令第707号", "国令第707号"),
    ],
)
def test_variants(text: str, canonical: str) -> None:
    assert normalise_doc_number(text) == canonical


@pytest.mark.parametrize(
    "text", ["", "城政发2024年2号", "X市财发〔1992〕字第36号", "城政发〔24〕2号", "2024年3月5日"]
)
def test_not_a_number(text: str) -> None:
    assert normalise_doc_number(text) is None
    with pytest.raises(DomainError) as err:
        parse_doc_number(text)
    assert err.value.code == "gazette.bad_number"


def test_numbers_in_running_text_drop_lead_words() -> None:
    found = find_doc_numbers("按照城政发〔2024〕2号和(晋政办发[2023]54号)执行")
    assert [n for _, _, n in found] == ["城政发〔2024〕2号", "晋政办发〔2023〕54号"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十九", 29),
        ("三十一", 31),
        ("一百零五", 105),
        ("36", 36),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二○二四年三月五日", date(2024, 3, 5)),
        ("二〇二四年十二月三十一日", date(2024, 12, 31)),
        ("一九九六年六月二十九日", date(1996, 6, 29)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2018年12月04日", date(2018, 12, 4)),
        ("２０２４年３月５日", date(2024, 3, 5)),
        ("2024 年 3 月 5 日", date(2024, 3, 5)),
    ],
)
def test_dates(text: str, value: date) -> None:
    assert parse_cn_date(text) == value


def test_impossible_date_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        parse_cn_date("2024年2月30日")
    assert err.value.code == "gazette.bad_date"


def test_not_a_date() -> None:
    assert parse_cn_date("2024年3月") is None
    assert parse_cn_date("本办法自4月5日起施行") is None
