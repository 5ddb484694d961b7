"""Campaign steps and report dates, and recurring obligations, as the gazette sets them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from chengqu.common import Citation, DomainError
from chengqu.rules import dec, load_table

__all__ = [
    "Obligation",
    "Occurrence",
    "PeriodResult",
    "PeriodStatus",
    "Step",
    "campaign_steps",
    "compliance",
    "obligation",
    "obligations",
    "occurrences",
]


@dataclass(frozen=True, slots=True)
class Step:
    """A dated step: a phase (``start``–``due``), a report date, or a standard time point."""

    document: str
    label: str
    kind: str
    start: date | None
    due: date
    citation: Citation


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty that recurs each calendar month or year, at least ``at_least`` times."""

    key: str
    label: str
    owner: str
    every: str
    at_least: int
    citation: Citation
    start: date = date(2024, 1, 1)
    end: date = date(2024, 12, 31)
    units: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One period of a recurring obligation: ``start``–``due`` and how many times it is owed."""

    key: str
    start: date
    due: date
    at_least: int


def _citation(entry: dict[str, Any]) -> Citation:
    return Citation(
        document=str(entry["document"]),
        clause=str(entry["clause"]),
        text=str(entry.get("text", "")),
    )


def campaign_steps(document: str | None = None) -> tuple[Step, ...]:
    """Every dated step (optionally of one document), in date order.

    Source: 城政办发〔2024〕3号 六、七(三); 城政办发〔2024〕4号 二; 城政发〔2024〕3号 四.
    """
    steps = [
        Step(
            document=str(e["document"]),
            label=str(e["label"]),
            kind=str(e["kind"]),
            start=e.get("start"),
            due=e["due"],
            citation=_citation(e),
        )
        for e in load_table("supervision_schedule")["step"]
        if document is None or e["document"] == document
    ]
    return tuple(sorted(steps, key=lambda s: (s.due, s.label)))


def obligations() -> tuple[Obligation, ...]:
    """The recurring obligations.

    Source: 城政发〔2024〕5号 (二)(三)(四)(二十八); 城政办发〔2024〕3号 五(六).
    """
    return tuple(
        Obligation(
            key=str(e["key"]),
            label=str(e["label"]),
            owner=str(e["owner"]),
            every=str(e["every"]),
            at_least=int(dec(e["at_least"], where=e["key"])),
            citation=_citation(e),
            start=e["start"],
            end=e["end"],
            units=tuple(str(u) for u in e.get("units", ())),
        )
        for e in load_table("supervision_recurring")["obligation"]
    )


def obligation(key: str) -> Obligation:
    """The recurring obligation ``key``; DomainError when there is none."""
    for o in obligations():
        if o.key == key:
            return o
    raise DomainError("schedule.obligation", f"没有这项周期性工作: {key}", field="obligation")


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def occurrences(obligation: Obligation, *, start: date, end: date) -> tuple[Occurrence, ...]:
    """The calendar periods of ``obligation`` that overlap ``start``–``end``, each due on its
    last day.

    Source: the obligation's clause (每月 / 每年 / 年内).
    """
    if end < start:
        raise DomainError("schedule.range", "结束日期不能早于开始日期", field="end")
    out: list[Occurrence] = []
    if obligation.every == "month":
        cur = date(start.year, start.month, 1)
        while cur <= end:
            nxt = _month_after(cur)
            out.append(
                Occurrence(obligation.key, cur, nxt - timedelta(days=1), obligation.at_least)
            )
            cur = nxt
    elif obligation.every == "year":
        out.extend(
            Occurrence(obligation.key, date(year, 1, 1), date(year, 12, 31), obligation.at_least)
            for year in range(start.year, end.year + 1)
        )
    else:
        raise DomainError("schedule.every", f"未知周期: {obligation.every}", field="every")
    return tuple(out)


class PeriodStatus(StrEnum):
    MET = "met"  # done at least as often as owed
    OPEN = "open"  # the period has not ended and is not yet met
    MISSED = "missed"  # the period has ended short


PERIOD_LABELS = {
    PeriodStatus.MET: "已落实",
    PeriodStatus.OPEN: "进行中",
    PeriodStatus.MISSED: "未落实",
}


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One period of an obligation for one unit: how often it was done and whether that sufficed."""

    key: str
    start: date
    due: date
    at_least: int
    done: int
    status: PeriodStatus

    @property
    def label(self) -> str:
        """The period as a user reads it: 2024年3月 or 2024年."""
        return (
            f"{self.start.year}年{self.start.month}月"
            if self.start.month == self.due.month
            else f"{self.start.year}年"
        )


def compliance(
    obligation: Obligation,
    held: Iterable[date],
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> tuple[PeriodResult, ...]:
    """Per calendar period of ``obligation`` within its span (narrowed to ``start``–``end`` when
    given), how many of the ``held`` days fall in it and whether it is met, still open or missed.

    Days are the district's calendar days (Asia/Shanghai): an occurrence on the last day of a month
    counts for that month, and a period is missed only once ``today`` is past its last day.
    Periods that begin after ``today`` are not listed.

    Source: the obligation's clause (每月至少 / 年内至少); 城政发〔2024〕5号 (二)(三)(二十八).
    """
    lo = max(obligation.start, start) if start else obligation.start
    hi = min(obligation.end, end) if end else obligation.end
    if hi < lo:
        return ()
    days = sorted(held)
    out: list[PeriodResult] = []
    for p in occurrences(obligation, start=lo, end=hi):
        if p.start > today:
            break
        done = sum(1 for d in days if p.start <= d <= p.due)
        if done >= p.at_least:
            status = PeriodStatus.MET
        elif today > p.due:
            status = PeriodStatus.MISSED
        else:
            status = PeriodStatus.OPEN
        out.append(PeriodResult(p.key, p.start, p.due, p.at_least, done, status))
    return tuple(out)
