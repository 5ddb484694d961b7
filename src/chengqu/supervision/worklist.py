"""The 2024 work-report task list (城政办发〔2024〕9号 附件) as tasks: leader, lead unit, people, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chengqu.common import Citation, DomainError
from chengqu.gazette import Clause, Document, ParseResult
from chengqu.supervision.deadlines import Deadline, extract_deadline
from chengqu.supervision.text import clean, split_names, split_tail, to_halfwidth

__all__ = ["WORK_REPORT_NUMBER", "TaskItem", "find_document", "import_work_report"]

WORK_REPORT_NUMBER = "城政办发〔2024〕9号"
LIVELIHOOD_MARK = "民生实事项目"
LIAISON_MARK = "对接区直相关部门"

_LEADER = re.compile(r"^(?P<title>.*(?:区长|局长))(?P<name>[\u4e00-\u9fff]{2,4})负责的工作$")
_UNIT = re.compile(
    r"^(?P<unit>.+?)(?:牵头的工作|负责实施的工作|落实的工作)(?:\(责任领导:(?P<leader>[^()]+)\))?$"
)


@dataclass(frozen=True, slots=True)
class TaskItem:
    """One numbered task of a task list, as the gazette assigns it.

    ``key`` is stable across imports of the same document (``文号#eid``). ``supervisors``,
    ``sections`` and ``persons`` keep the text's order (the n-th of each belong together where
    the counts match). ``liaison`` marks 对接区直相关部门; ``towns`` the towns' and streets' part.
    """

    key: str
    source: str
    eid: str
    number: str
    text: str
    leader: str
    leader_title: str
    lead_unit: str
    responsible_leader: str
    supervisors: tuple[str, ...]
    sections: tuple[str, ...]
    persons: tuple[str, ...]
    livelihood: bool
    liaison: bool
    towns: bool
    deadline: Deadline
    citation: Citation


def find_document(parsed: ParseResult, number: str) -> Document:
    """The document with this 文号 in a parsed issue; DomainError when the issue lacks it."""
    for document in parsed.documents:
        if document.number == number:
            return document
    raise DomainError("supervision.no_document", f"公报中没有 {number}", field="number")


def _tail_fields(tail: str | None) -> dict[str, str]:
    fields: dict[str, str] = {}
    if tail is None:
        return fields
    for part in tail.split(";"):
        if ":" in part:
            key, _, value = part.partition(":")
            fields[key.strip()] = value.strip()
        elif part.strip():
            fields[part.strip()] = ""
    return fields


def _leader_of(heading: str) -> tuple[str, str]:
    match = _LEADER.match(heading)
    if match is None:
        return "", ""
    return match.group("name"), match.group("title")


def _unit_of(heading: str) -> tuple[str, str]:
    match = _UNIT.match(heading)
    if match is None:
        return heading, ""
    unit = match.group("unit")
    if unit == "各级各部门":
        unit = ""
    return unit, (match.group("leader") or "").strip()


def import_work_report(
    parsed: ParseResult, *, number: str = WORK_REPORT_NUMBER
) -> tuple[TaskItem, ...]:
    """Every numbered task of the work-report task list, in document order.

    The leader comes from the 一、二、… heading (区长 / 副区长 …), the lead unit and its 责任领导
    from the (一)(二)… heading, the rest from the bracket that ends each task. Text damage
    (``**``, names split over page breaks) is repaired before reading.

    Source: 城政办发〔2024〕9号 附件《2024年区〈政府工作报告〉任务分工》.
    """
    document = find_document(parsed, number)
    if not document.attachments:
        raise DomainError("supervision.no_attachment", f"{number} 没有附件任务分工", field="number")
    year = document.year or (document.signed_date.year if document.signed_date else 0)
    if not year:
        raise DomainError("supervision.no_year", f"{number} 没有年份", field="number")
    items: list[TaskItem] = []
    for para in document.attachments[0].clauses:
        if para.kind != "para":
            continue
        heading = to_halfwidth(clean(para.heading or ""))
        leader, title = _leader_of(heading)
        towns = "镇(街道)" in heading and not leader
        if towns:
            title = heading.removesuffix("的工作")
        for group in para.children:
            unit, responsible = _unit_of(to_halfwidth(clean(group.heading or "")))
            items.extend(
                _task(
                    document,
                    para,
                    group,
                    item,
                    year=year,
                    leader=leader,
                    title=title,
                    unit=unit,
                    responsible=responsible,
                    towns=towns,
                )
                for item in group.children
            )
    return tuple(items)


def _task(
    document: Document,
    para: Clause,
    group: Clause,
    item: Clause,
    *,
    year: int,
    leader: str,
    title: str,
    unit: str,
    responsible: str,
    towns: bool,
) -> TaskItem:
    raw = clean(item.text)
    body, tail = split_tail(raw)
    fields = _tail_fields(tail)
    if tail is not None and not fields.keys() & {
        "分管领导",
        "责任科室",
        "责任人",
        "责任单位",
        LIVELIHOOD_MARK,
        LIAISON_MARK,
    }:
        body = raw  # a bracket that belongs to the text itself
        fields = {}
    lead_unit = unit or fields.get("责任单位", "")
    number = f"{para.num or ''}{group.num or ''}{item.num or ''}".replace(".", "")
    number = to_halfwidth(number)
    return TaskItem(
        key=f"{document.number}#{item.eid}",
        source=str(document.number),
        eid=item.eid,
        number=number,
        text=body,
        leader=leader,
        leader_title=title,
        lead_unit=lead_unit,
        responsible_leader=responsible,
        supervisors=split_names(fields.get("分管领导", "")),
        sections=split_names(fields.get("责任科室", "")),
        persons=split_names(fields.get("责任人", "")),
        livelihood=LIVELIHOOD_MARK in fields,
        liaison=LIAISON_MARK in fields,
        towns=towns,
        deadline=extract_deadline(body, year=year),
        citation=Citation(document=str(document.number), clause=item.eid, text=body[:80]),
    )
