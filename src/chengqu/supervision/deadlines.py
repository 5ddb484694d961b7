"""Deadlines read from a task's text: 5月底前, 年内, 一季度, “4·30”, 7月全面投运 and the rest."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Deadline", "DeadlineSource", "Milestone", "extract_deadline"]


class DeadlineSource(StrEnum):
    TEXT = "text"  # the task's own words fix the date
    DEFAULT = "default"  # no date in the text: the report year's end


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of a task: the date and the phrase of the text that sets it."""

    due: date
    text: str
    phrase: str  # the date expression as written (5月底前, 年内, “4·30” …)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A task's deadline (the latest milestone) and every dated step in text order."""

    due: date
    source: DeadlineSource
    milestones: tuple[Milestone, ...]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# Each pattern yields a date for a year; order matters only for overlapping matches.
_MONTH_END = re.compile(r"(?<![\d.·])(1[0-2]|[1-9])月(?:底前|底|全面投运|全面投用|开门迎客)")
_QUOTED_DAY = re.compile(r"[“\"](1[0-2]|[1-9])·([1-3]?\d)[”\"]")
_YEAR_END = re.compile(r"年内|全年|年底前|(?:20\d\d)年底|(?:20\d\d)年完成")
_QUARTER = re.compile(r"([一二三四])季度")
_HALF = re.compile(r"上半年|下半年")
_QUARTER_MONTH = {"一": 3, "二": 6, "三": 9, "四": 12}
_SEGMENT = re.compile(r"[^,，;；。:：]+")


def _segment_at(text: str, pos: int) -> str:
    """The clause of ``text`` (between punctuation) that holds position ``pos``."""
    for match in _SEGMENT.finditer(text):
        if match.start() <= pos < match.end():
            return match.group().strip()
    return text.strip()


def _found(text: str, year: int) -> list[tuple[int, date, str]]:
    hits: list[tuple[int, date, str]] = [
        (m.start(), _month_end(year, int(m.group(1))), m.group()) for m in _MONTH_END.finditer(text)
    ]
    hits.extend(
        (m.start(), date(year, int(m.group(1)), int(m.group(2))), m.group())
        for m in _QUOTED_DAY.finditer(text)
    )
    hits.extend((m.start(), date(year, 12, 31), m.group()) for m in _YEAR_END.finditer(text))
    hits.extend(
        (m.start(), _month_end(year, _QUARTER_MONTH[m.group(1)]), m.group())
        for m in _QUARTER.finditer(text)
    )
    hits.extend(
        (m.start(), date(year, 6, 30) if m.group() == "上半年" else date(year, 12, 31), m.group())
        for m in _HALF.finditer(text)
    )
    hits.sort(key=lambda h: h[0])
    return hits


def extract_deadline(text: str, *, year: int) -> Deadline:
    """The deadline a task's text sets within the report ``year``.

    Several dates make milestones (one per distinct date, in text order) and the deadline is the
    latest; a text without a date is due at the year's end and marked ``DEFAULT``.

    Source: 城政办发〔2024〕9号 附件 (task wording); interpretation in docs/interpretations.md.
    """
    milestones: list[Milestone] = []
    seen: set[date] = set()
    for pos, due, phrase in _found(text, year):
        if due in seen:
            continue
        seen.add(due)
        milestones.append(Milestone(due=due, text=_segment_at(text, pos), phrase=phrase))
    if not milestones:
        return Deadline(due=date(year, 12, 31), source=DeadlineSource.DEFAULT, milestones=())
    return Deadline(
        due=max(m.due for m in milestones), source=DeadlineSource.TEXT, milestones=tuple(milestones)
    )
