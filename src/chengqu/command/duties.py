"""Recurring duties: drills, 24-hour duty and plan revision, with the next due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chengqu.common import Citation, Decision, DomainError
from chengqu.rules import dec, load_table

TABLE = "command_duties"


class Every(StrEnum):
    CALENDAR_YEAR = "calendar_year"
    YEARS = "years"
    CONTINUOUS = "continuous"
    UNQUANTIFIED = "unquantified"


@dataclass(frozen=True, slots=True)
class Duty:
    key: str
    owner: str
    plan: str
    every: Every
    years: int
    base: date | None
    citation: Citation


@dataclass(frozen=True, slots=True)
class Due:
    """The next due date (None when the text sets no period) and whether it has passed."""

    duty: str
    due: date | None
    overdue: bool


def duties() -> tuple[Duty, ...]:
    """Every recurring duty of ``command_duties.toml``.

    Source: 城政发〔2024〕5号 (二十八)(二十九); 城政办发〔2024〕7号 8.1, 9.2; 城政办发〔2024〕1号 6.1, 6.6, 7.2; 城政办发〔2024〕2号 6.1, 7.2.
    """
    out = []
    for e in load_table(TABLE)["duty"]:
        base = e.get("base")
        out.append(
            Duty(
                key=str(e["key"]),
                owner=str(e["owner"]),
                plan=str(e.get("plan", "")),
                every=Every(str(e["every"])),
                years=int(dec(e.get("years", "0"), where=str(e["key"]))),
                base=base if isinstance(base, date) else None,
                citation=Citation(str(e["document"]), str(e["clause"]), str(e["text"])),
            )
        )
    return tuple(out)


def duty(key: str) -> Duty:
    for found in duties():
        if found.key == key:
            return found
    raise DomainError("command.duty_unknown", f"未定义的职责: {key}", field="duty")


def next_due(key: str, last_done: date | None, *, today: date) -> Decision[Due]:
    """When the duty is next due: by 31 December of a year without the drill (年内/每年), or N years
    after the last revision (or the plan's date when never revised).

    Source: 城政发〔2024〕5号 (二十八); 城政办发〔2024〕7号 8.1, 9.2; 城政办发〔2024〕1号 7.2.
    """
    found = duty(key)
    if last_done is not None and last_done > today:
        raise DomainError("command.date_future", "完成日期不能晚于今天", field="last_done")
    if found.every is Every.CALENDAR_YEAR:
        year = today.year if last_done is None or last_done.year < today.year else today.year + 1
        due: date | None = date(year, 12, 31)
        notes: tuple[str, ...] = ("每个自然年至少一次",)
    elif found.every is Every.YEARS:
        start = last_done or found.base
        if start is None:
            raise DomainError("command.date_missing", "须给出上次修订日期", field="last_done")
        due = _add_years(start, found.years)
        notes = (f"每{found.years}年修订一次",)
    else:
        due = None
        notes = (
            ("原文未规定周期(定期/根据需要/常设)",)
            if found.every is Every.UNQUANTIFIED
            else ("常设职责",)
        )
    overdue = due is not None and today > due
    return Decision(Due(found.key, due, overdue), (found.citation,), notes)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)
