"""Working days on the China holiday calendar, with its adjusted working days (调休).

The State Council announces each year's holidays in the autumn before; ``chinese_calendar``
carries them once released. A year it does not know is an explicit error, never a silent
weekday guess, and a newly announced year can be supplied as a local override table (TOML)
until the package catches up. Counting follows the gazette's practice: "the 10th working day
before maturity" counts back from the day before maturity, maturity day excluded.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import chinese_calendar

from chengqu.common.errors import DomainError

# Working-day arithmetic never needs to look further than this; a longer walk is a bug.
MAX_STEPS = 3660


@dataclass(frozen=True, slots=True)
class YearTable:
    """One year's holidays and adjusted working days as announced by the State Council."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def parse_overrides(data: Mapping[str, Any]) -> dict[int, YearTable]:
    """Year tables from a parsed override TOML: ``[year.2027] holidays = [...], workdays = [...]``."""
    tables: dict[int, YearTable] = {}
    for key, spec in dict(data.get("year", {})).items():
        try:
            year = int(key)
            holidays = frozenset(_as_date(d) for d in spec.get("holidays", []))
            workdays = frozenset(_as_date(d) for d in spec.get("workdays", []))
        except (TypeError, ValueError) as exc:
            raise DomainError(
                "calendar.override_invalid", f"节假日覆盖表格式错误 ({key}): {exc}"
            ) from None
        stray = [d for d in holidays | workdays if d.year != year]
        if stray:
            raise DomainError(
                "calendar.override_invalid",
                f"节假日覆盖表 {year} 年中包含其他年份的日期: {min(stray).isoformat()}",
            )
        if holidays & workdays:
            clash = min(holidays & workdays).isoformat()
            raise DomainError("calendar.override_invalid", f"{clash} 同时被列为节假日和工作日")
        tables[year] = YearTable(year, holidays, workdays, str(spec.get("source", "")))
    return tables


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"应为日期而不是时间: {value}")
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class WorkdayCalendar:
    """The China working-day calendar: the package's years plus local override tables."""

    def __init__(self, overrides: Mapping[int, YearTable] | None = None) -> None:
        self._overrides = dict(overrides or {})
        # Answers never change for a calendar object, and deadline walks ask about the same days
        # again and again; the package's own lookup is the slow part.
        self._known: dict[date, bool] = {}

    @classmethod
    def from_toml(cls, *texts: str) -> WorkdayCalendar:
        tables: dict[int, YearTable] = {}
        for text in texts:
            tables.update(parse_overrides(tomllib.loads(text)))
        return cls(tables)

    def with_file(self, path: Path) -> WorkdayCalendar:
        """This calendar plus the years of a local override file (its years win)."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DomainError(
                "calendar.override_unreadable", f"无法读取节假日覆盖表 {path}: {exc.strerror}"
            ) from None
        try:
            extra = parse_overrides(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise DomainError(
                "calendar.override_invalid", f"节假日覆盖表 {path} 不是有效的 TOML: {exc}"
            ) from None
        return WorkdayCalendar({**self._overrides, **extra})

    @property
    def override_years(self) -> frozenset[int]:
        return frozenset(self._overrides)

    def knows(self, year: int) -> bool:
        if year in self._overrides:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day in mainland China (调休 Saturdays and Sundays count)."""
        if isinstance(day, datetime):
            raise DomainError(
                "calendar.datetime", "工作日计算需要日期, 不是时间: 请先换算为北京时间的日期"
            )
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: date) -> bool:
        table = self._overrides.get(day.year)
        if table is not None:
            return table.is_workday(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise DomainError(
                "calendar.year_unknown",
                f"尚无 {day.year} 年的法定节假日安排, 无法计算工作日; 请升级 chinesecalendar 或在节假日覆盖表中补充该年",
                field="date",
            ) from None

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (before it when negative); start excluded.

        ``add_workdays(d, 0)`` is ``d`` itself when it is a working day and an error otherwise,
        so that a zero-length limit never lands on a holiday unnoticed.
        """
        if count == 0:
            if not self.is_workday(start):
                raise DomainError("calendar.not_workday", f"{start.isoformat()} 不是工作日")
            return start
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        day = start
        for _ in range(MAX_STEPS):
            day += step
            if self.is_workday(day):
                remaining -= 1
                if remaining == 0:
                    return day
        raise DomainError("calendar.too_far", f"工作日跨度过大: {count}")

    def workdays_before(self, day: date, count: int) -> date:
        """The ``count``-th working day counting back from ``day``, ``day`` itself excluded.

        Source: 城政办发〔2024〕6号 第十五条 ("需在市场主体贷款到期前10个工作日…签署意见").
        """
        if count < 1:
            raise DomainError("calendar.count", "工作日数必须为正整数", field="count")
        return self.add_workdays(day, -count)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]: how many a deadline consumed."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(1 for day in _days(start + timedelta(days=1), end) if self.is_workday(day))


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=1)
def default_calendar() -> WorkdayCalendar:
    """The package's calendar plus the override table shipped in ``chengqu.rules``."""
    text = resources.files("chengqu.rules").joinpath("calendar.toml").read_text(encoding="utf-8")
    return WorkdayCalendar.from_toml(text)


def is_workday(day: date) -> bool:
    return default_calendar().is_workday(day)


def add_workdays(start: date, count: int) -> date:
    return default_calendar().add_workdays(start, count)


def workdays_before(day: date, count: int) -> date:
    return default_calendar().workdays_before(day, count)
