from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import Band, Citation, Decision, DomainError, Reading


@pytest.mark.parametrize(
    ("word", "value", "threshold", "holds"),
    [
        ("以上", 5000, 5000, True),  # 5000万元以上 includes 5000万元
        ("以上", 4999, 5000, False),
        ("以下", 100, 100, True),
        ("以内", 20, 20, True),  # 20天以内 includes the 20th day
        ("超过", 20, 20, False),  # 超过20天 excludes the 20th day
        ("超过", 21, 20, True),
        ("不满", 18, 18, False),
        ("不满", 17, 18, True),
        ("满", 100, 100, True),  # 满100场
        ("超", 30, 30, False),
    ],
)
def test_comparison_words_read_as_the_civil_code_says(word, value, threshold, holds):
    assert Reading.from_word(word).holds(value, threshold) is holds


def test_an_unknown_comparison_word_is_refused():
    with pytest.raises(DomainError):
        Reading.from_word("大约")


def test_a_tier_includes_its_lower_bound_and_excludes_its_upper():
    tier = Band(Decimal(20), Decimal(30))  # "20%—30%"
    assert tier.contains(20)
    assert tier.contains(Decimal("29.99"))
    assert not tier.contains(30)
    assert Band(Decimal(30)).contains(10**9)  # the top tier is closed below and open above


def test_an_empty_band_is_refused():
    with pytest.raises(DomainError):
        Band(Decimal(30), Decimal(20))


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_adjacent_tiers_never_overlap_and_leave_no_gap(value, cut):
    low, high = Band(Decimal(0), cut) if cut > 0 else None, Band(cut)
    in_low = low.contains(value) if low else False
    assert in_low != high.contains(value)


def test_a_decision_keeps_each_citation_once_in_order():
    a = Citation("城政办发〔2024〕6号", "art_10", "按日万分之二收取")
    b = Citation("城政办发〔2024〕6号", "art_15")
    decision = Decision(value=1, citations=(a,)).cite(b, a)
    assert decision.citations == (a, b)
    assert a.label() == "城政办发〔2024〕6号 art_10"
