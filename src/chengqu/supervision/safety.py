"""The 32 tasks of the 2024 safety-work notice (城政发〔2024〕5号) with the units in their brackets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chengqu.common import Citation
from chengqu.gazette import ParseResult
from chengqu.supervision.deadlines import Deadline, extract_deadline
from chengqu.supervision.text import clean, to_halfwidth
from chengqu.supervision.worklist import find_document

__all__ = ["SAFETY_NUMBER", "SafetyTask", "import_safety_tasks", "units_of"]

SAFETY_NUMBER = "城政发〔2024〕5号"
TOWNS_TOO = "以下均需各镇(街道)负责"
TOWNS = "各镇(街道)"

_BRACKET = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_SUFFIX = re.compile(r"(?:等(?:有关)?部门)?(?:分工)?(?:负责|督促企业落实|督促落实|落实)$")


@dataclass(frozen=True, slots=True)
class SafetyTask:
    """One (一)…(三十二) task: its heading, text, the units its brackets name (in order, each
    once), the brackets as written, and whether the towns share it (以下均需各镇(街道)负责)."""

    key: str
    source: str
    eid: str
    number: str
    title: str
    text: str
    units: tuple[str, ...]
    brackets: tuple[str, ...]
    towns: bool
    deadline: Deadline
    citation: Citation


def _is_duty(bracket: str) -> bool:
    return len(bracket) > 4 and ("负责" in bracket or "落实" in bracket or bracket.startswith("区"))


def units_of(bracket: str) -> tuple[str, ...]:
    """The units one responsibility bracket names, suffixes (等部门分工负责 …) removed.

    Source: 城政发〔2024〕5号 (一)-(三十二), the brackets that close each duty.
    """
    first = bracket.split("。")[0]
    units: list[str] = []
    for clause in first.split(","):
        clause = _SUFFIX.sub("", clause.strip()).removesuffix("牵头")
        for part in re.split(r"、|和(?=区)|及(?=区)", clause):
            name = _SUFFIX.sub("", part.strip())
            if name and name not in units:
                units.append(name)
    return tuple(units)


def import_safety_tasks(
    parsed: ParseResult, *, number: str = SAFETY_NUMBER
) -> tuple[SafetyTask, ...]:
    """The numbered tasks of the safety notice, each with the units named in its brackets; from
    the first task on, the towns and streets share every task (以下均需各镇(街道)负责).

    Source: 城政发〔2024〕5号 (一)-(三十二).
    """
    document = find_document(parsed, number)
    year = document.year or 2024
    tasks: list[SafetyTask] = []
    towns = False
    for clause in document.all_clauses():
        if clause.kind != "subpara":
            continue
        text = to_halfwidth(clean(clause.text))
        brackets = tuple(b for b in _BRACKET.findall(text) if _is_duty(b))
        towns = towns or any(TOWNS_TOO in b for b in brackets)
        units: list[str] = []
        for bracket in brackets:
            units.extend(u for u in units_of(bracket) if u not in units)
        if towns and TOWNS not in units:
            units.append(TOWNS)
        title = to_halfwidth(clean(clause.heading or ""))
        tasks.append(
            SafetyTask(
                key=f"{document.number}#{clause.eid}",
                source=str(document.number),
                eid=clause.eid,
                number=to_halfwidth(clause.num or ""),
                title=title,
                text=text,
                units=tuple(units),
                brackets=brackets,
                towns=towns,
                deadline=extract_deadline(text, year=year),
                citation=Citation(document=str(document.number), clause=clause.eid, text=title),
            )
        )
    return tuple(tasks)
