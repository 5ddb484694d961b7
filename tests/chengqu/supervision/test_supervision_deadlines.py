"""Every deadline form of the issue, on plain strings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.supervision import DeadlineSource, extract_deadline


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("5月底前建成", date(2024, 5, 31)),
        ("6月底前完成", date(2024, 6, 30)),
        ("9月底前建成通车", date(2024, 9, 30)),
        ("12月底前建成", date(2024, 12, 31)),
        ("4月底前完成整体设计", date(2024, 4, 30)),
        ("年内完成主体工程", date(2024, 12, 31)),
        ("全年组织专场招聘10场", date(2024, 12, 31)),
        ("年底前完成集中培训", date(2024, 12, 31)),
        ("确保续建项目一季度全部复工", date(2024, 3, 31)),
        ("上半年开工率80%以上", date(2024, 6, 30)),
        ("确保玉苑高端康养社区“4·30”圆满交账", date(2024, 4, 30)),
        ("确保新星托育中心7月全面投运", date(2024, 7, 31)),
        ("推动东滩会6月开门迎客", date(2024, 6, 30)),
        ("2月底前完成", date(2024, 2, 29)),  # a leap year
    ],
)
def test_each_form(text: str, due: date) -> None:
    d = extract_deadline(text, year=2024)
    assert (d.due, d.source) == (due, DeadlineSource.TEXT)


def test_numbers_that_are_not_dates_are_ignored() -> None:
    d = extract_deadline("打造5—10个星级便民生活圈,新建4个市场,服务8个镇(街道)", year=2024)
    assert d.source is DeadlineSource.DEFAULT
    assert d.due == date(2024, 12, 31)


def test_same_date_twice_is_one_milestone() -> None:
    d = extract_deadline("年内完成主体,全年运营", year=2024)
    assert len(d.milestones) == 1


@given(st.lists(st.integers(1, 12), min_size=1, max_size=5))
def test_deadline_is_the_latest_milestone(months: list[int]) -> None:
    text = ",".join(f"{m}月底前完成第{i}项" for i, m in enumerate(months))
    d = extract_deadline(text, year=2025)
    assert d.due == max(m.due for m in d.milestones)
    assert [m.due.month for m in d.milestones] == list(dict.fromkeys(months))
