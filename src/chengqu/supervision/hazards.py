"""The fire-hazard campaign (城政办发〔2024〕3号): venues, checklist, inspectors' scopes, the three
lists and the exposure schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chengqu.common import Citation, DomainError
from chengqu.gazette import ParseResult
from chengqu.rules import cite, dec, load_table
from chengqu.supervision.text import clean, to_halfwidth
from chengqu.supervision.worklist import find_document

__all__ = [
    "FIRE_NUMBER",
    "CheckGroup",
    "CheckItem",
    "ExposureCheck",
    "ExposureSlot",
    "ThreeLists",
    "VenueClass",
    "check_exposure",
    "check_inspector_scope",
    "checklist",
    "exposure_slots",
    "inspector_scopes",
    "three_lists",
    "venue_classes",
]

FIRE_NUMBER = "城政办发〔2024〕3号"
CHECKLIST_EID = "para_3"


def _table() -> dict[str, Any]:
    return load_table("supervision_fire")


@dataclass(frozen=True, slots=True)
class VenueClass:
    key: str
    label: str
    kinds: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True, slots=True)
class CheckItem:
    id: str  # "1-3": group 1, item 3
    text: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class CheckGroup:
    group: str
    items: tuple[CheckItem, ...]
    citation: Citation


def venue_classes() -> tuple[VenueClass, ...]:
    """The three classes of venue and their kinds.

    Source: 城政办发〔2024〕3号 附件 二、整治范围.
    """
    table = _table()
    return tuple(
        VenueClass(key=e["key"], label=e["label"], kinds=tuple(e["kinds"]), citation=cite(table, e))
        for e in table["venue_class"]
    )


def inspector_scopes() -> dict[str, tuple[str, frozenset[str], Citation]]:
    """Inspector kind → (label, venue classes it may inspect, clause).

    Source: 城政办发〔2024〕3号 附件 五(一).
    """
    table = _table()
    return {
        e["key"]: (e["label"], frozenset(e["scope"]), cite(table, e)) for e in table["inspector"]
    }


def check_inspector_scope(inspector: str, venue_class: str) -> Citation:
    """The clause that lets ``inspector`` inspect ``venue_class``; DomainError if it does not.

    Source: 城政办发〔2024〕3号 附件 五(一).
    """
    scopes = inspector_scopes()
    if inspector not in scopes:
        raise DomainError("hazard.inspector", "未知的排查主体", field="inspector")
    label, scope, citation = scopes[inspector]
    if venue_class not in scope:
        raise DomainError("hazard.scope", f"{label}不负责排查此类场所", field="venue_class")
    return citation


def checklist(parsed: ParseResult, *, number: str = FIRE_NUMBER) -> tuple[CheckGroup, ...]:
    """The items of 三、整治重点, grouped as in the text, each citing its clause.

    Source: 城政办发〔2024〕3号 附件 三、整治重点.
    """
    document = find_document(parsed, number)
    if not document.attachments:
        raise DomainError("hazard.no_attachment", f"{number} 没有行动方案附件", field="number")
    root = next((c for c in document.attachments[0].clauses if c.eid == CHECKLIST_EID), None)
    if root is None:
        raise DomainError("hazard.no_checklist", f"{number} 没有整治重点", field="number")
    groups: list[CheckGroup] = []
    for g, group in enumerate(root.children, start=1):
        items = tuple(
            CheckItem(
                id=f"{g}-{i}",
                text=to_halfwidth(clean(item.text)),
                citation=Citation(
                    document=number, clause=item.eid, text=to_halfwidth(clean(item.text))
                ),
            )
            for i, item in enumerate(group.children, start=1)
        )
        heading = to_halfwidth(clean(group.heading or ""))
        groups.append(
            CheckGroup(group=heading, items=items, citation=Citation(number, group.eid, heading))
        )
    return tuple(groups)


@dataclass(frozen=True, slots=True)
class ThreeLists:
    """附件3 三个清单 for one hazard: problem, measure, responsibility (unit, person, deadline)."""

    problem: str
    measure: str
    responsible_unit: str
    responsible_person: str
    deadline: date
    citation: Citation


def three_lists(
    *,
    problem: str,
    measure: str,
    responsible_unit: str,
    responsible_person: str,
    deadline: date,
    found_on: date,
) -> ThreeLists:
    """The three lists of a hazard, each list filled and the deadline not before the day found.

    Source: 城政办发〔2024〕3号 附件 五(二).
    """
    for value, field, label in (
        (problem, "problem", "隐患问题"),
        (measure, "measure", "整改措施"),
        (responsible_unit, "responsible_unit", "整改责任单位"),
        (responsible_person, "responsible_person", "整改责任人"),
    ):
        if not value.strip():
            raise DomainError("hazard.three_lists", f"“三个清单”缺少{label}", field=field)
    if deadline < found_on:
        raise DomainError("loop.due_before_dispatch", "整改时限不能早于发现日期", field="deadline")
    table = _table()
    clause = next(e["clause"] for e in table["inspector"])
    return ThreeLists(
        problem=problem.strip(),
        measure=measure.strip(),
        responsible_unit=responsible_unit.strip(),
        responsible_person=responsible_person.strip(),
        deadline=deadline,
        citation=Citation(
            FIRE_NUMBER,
            clause.replace("subpara_1", "subpara_2"),
            "逐一建立隐患问题、整改措施、整改责任“三个清单”",
        ),
    )


@dataclass(frozen=True, slots=True)
class ExposureSlot:
    """A period in which at least one exposure of at least ``min_units`` units is owed."""

    label: str
    start: date
    end: date
    min_units: int


@dataclass(frozen=True, slots=True)
class ExposureCheck:
    slot: ExposureSlot
    exposures: tuple[int, ...]  # units named in each exposure held in the slot
    ok: bool
    notes: tuple[str, ...]
    citation: Citation


def exposure_slots(*, campaign_start: date) -> tuple[ExposureSlot, ...]:
    """Once before the Spring Festival, then every week (7-day slots from the festival) until the
    end of March; each exposure names at least five units.

    Source: 城政办发〔2024〕3号 附件 五(三).
    """
    rule = _table()["exposure"]
    minimum = int(dec(rule["min_units"], where="exposure.min_units"))
    before: date = rule["before"]
    weekly_from: date = rule["weekly_from"]
    until: date = rule["weekly_until"]
    slots = [
        ExposureSlot(str(rule["before_label"]), campaign_start, before - timedelta(days=1), minimum)
    ]
    cur, week = weekly_from, 1
    while cur <= until:
        end = min(cur + timedelta(days=6), until)
        slots.append(ExposureSlot(f"春节后第{week}周", cur, end, minimum))
        cur, week = end + timedelta(days=1), week + 1
    return tuple(slots)


def check_exposure(
    slots: tuple[ExposureSlot, ...], held: list[tuple[date, int]]
) -> tuple[ExposureCheck, ...]:
    """Whether each slot had an exposure naming enough units. ``held``: (day, units named).

    Source: 城政办发〔2024〕3号 附件 五(三).
    """
    table = _table()
    citation = cite(table, table["exposure"])
    out: list[ExposureCheck] = []
    for slot in slots:
        inside = tuple(n for day, n in held if slot.start <= day <= slot.end)
        good = [n for n in inside if n >= slot.min_units]
        notes: list[str] = []
        if not inside:
            notes.append(f"{slot.label}未开展曝光")
        elif not good:
            notes.append(f"{slot.label}曝光单位少于{slot.min_units}家")
        out.append(
            ExposureCheck(
                slot=slot, exposures=inside, ok=bool(good), notes=tuple(notes), citation=citation
            )
        )
    return tuple(out)
