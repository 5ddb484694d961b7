"""Reporting clocks: the plans' time limits to report, notify and act, as aware deadlines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from chengqu.command.routing import route_incident
from chengqu.common import Citation, Decision, DomainError, Reading, to_local
from chengqu.rules import dec, load_table

TABLE = "command_clocks"


class Anchor(StrEnum):
    """The moment a clock runs from."""

    OCCURRED = "occurred"
    DISCOVERED = "discovered"
    RECEIVED = "received"
    OFFICE_RECEIVED = "office_received"
    SUSPECTED = "suspected"
    WARNING_RED = "warning_red"
    RESPONSE_STARTED = "response_started"
    FACTS_ESTABLISHED = "facts_established"
    HANDLING_ENDED = "handling_ended"

    @property
    def label(self) -> str:
        return _ANCHOR_LABELS[self]


_ANCHOR_LABELS = {
    Anchor.OCCURRED: "事发",
    Anchor.DISCOVERED: "发现",
    Anchor.RECEIVED: "接到报告",
    Anchor.OFFICE_RECEIVED: "指挥部办公室接到报告",
    Anchor.SUSPECTED: "认定为疑似重大动物疫情",
    Anchor.WARNING_RED: "发布红色预警",
    Anchor.RESPONSE_STARTED: "启动应急响应",
    Anchor.FACTS_ESTABLISHED: "查清有关基本情况",
    Anchor.HANDLING_ENDED: "事件处理完毕",
}

# Anchors that default to the given start time when not supplied (the earlier, stricter reading);
# the others are events that have not happened yet until their time is given.
_DEFAULTS_TO_START = {
    Anchor.OCCURRED,
    Anchor.DISCOVERED,
    Anchor.RECEIVED,
    Anchor.OFFICE_RECEIVED,
    Anchor.SUSPECTED,
    Anchor.WARNING_RED,
    Anchor.RESPONSE_STARTED,
}

ROMAN = {
    "Ⅰ": "Ⅰ",
    "I": "Ⅰ",
    "1": "Ⅰ",
    "一": "Ⅰ",
    "Ⅱ": "Ⅱ",
    "II": "Ⅱ",
    "2": "Ⅱ",
    "二": "Ⅱ",
    "Ⅲ": "Ⅲ",
    "III": "Ⅲ",
    "3": "Ⅲ",
    "三": "Ⅲ",
    "Ⅳ": "Ⅳ",
    "IV": "Ⅳ",
    "4": "Ⅳ",
    "四": "Ⅳ",
}


def normalise_level(level: str) -> str:
    """'Ⅰ级', 'I', '1', '一级' → 'Ⅰ'."""
    text = level.strip().upper().removesuffix("级").removesuffix("响应").removesuffix("级")
    try:
        return ROMAN[text]
    except KeyError:
        raise DomainError(
            "command.level_invalid", f"无法识别的响应级别: {level}", field="level"
        ) from None


@dataclass(frozen=True, slots=True)
class ClockRule:
    """One time limit of a plan, as the table states it."""

    key: str
    plan: str
    report: str
    reporter: str
    recipients: tuple[str, ...]
    anchor: Anchor
    within: timedelta
    immediate: bool
    reading: Reading
    levels: tuple[str, ...]
    form: str
    content: str
    chain: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a report or action is due; ``due`` is None until its triggering event has a time."""

    key: str
    report: str
    reporter: str
    recipients: tuple[str, ...]
    anchor: Anchor
    anchor_at: datetime | None
    due: datetime | None
    immediate: bool
    form: str
    required_content: tuple[str, ...]
    citation: Citation
    notes: tuple[str, ...] = ()

    def is_late(self, filed_at: datetime) -> bool:
        """Whether a report filed at ``filed_at`` missed the clock (以内: the limit itself is on time)."""
        if self.due is None:
            raise DomainError(
                "command.clock_open", f"{self.report}的时限尚未起算({self.anchor.label}时间未知)"
            )
        return to_local(filed_at) > self.due


@dataclass(frozen=True, slots=True)
class PlanClocks:
    key: str
    incident_type: str
    document: str
    levels: tuple[str, ...]


@cache
def clock_rules() -> tuple[ClockRule, ...]:
    """Every clock of ``command_clocks.toml``.

    Source: 城政办发〔2024〕7号 3.5, 4.1, 4.2, 5.1, 5.2.2; 城政办发〔2024〕2号 3.3.3, 4.1.
    """
    table = load_table(TABLE)
    rules = []
    for entry in table["clock"]:
        minutes = dec(entry["minutes"], where=f"{entry['key']}.minutes")
        if minutes < 0:
            raise DomainError("command.clocks_invalid", f"时限不能为负: {entry['key']}")
        immediate = bool(entry.get("immediate", False))
        if immediate != (minutes == 0):
            raise DomainError("command.clocks_invalid", f"“立即”与分钟数不一致: {entry['key']}")
        rules.append(
            ClockRule(
                key=str(entry["key"]),
                plan=str(entry["plan"]),
                report=str(entry["report"]),
                reporter=str(entry["reporter"]),
                recipients=tuple(str(r) for r in entry["recipients"]),
                anchor=Anchor(str(entry["anchor"])),
                within=timedelta(minutes=int(minutes)),
                immediate=immediate,
                reading=Reading.from_word(str(entry.get("reading", "以内"))),
                levels=tuple(normalise_level(str(v)) for v in entry.get("levels", [])),
                form=str(entry.get("form", "")),
                content=str(entry.get("content", "")),
                chain=tuple(str(c) for c in entry.get("chain", [])),
                citation=Citation(str(entry["document"]), str(entry["clause"]), str(entry["text"])),
            )
        )
    return tuple(rules)


@cache
def plans() -> tuple[PlanClocks, ...]:
    table = load_table(TABLE)
    return tuple(
        PlanClocks(
            str(p["key"]),
            str(p["incident_type"]),
            str(p["document"]),
            tuple(str(v) for v in p["levels"]),
        )
        for p in table["plan"]
    )


def required_content(content: str) -> tuple[tuple[str, ...], Citation]:
    """The items a report must contain (初报/续报/处理结果报告; 动物疫情报告) and the clause.

    Source: 城政办发〔2024〕7号 4.2; 城政办发〔2024〕2号 3.3.2.
    """
    table: dict[str, Any] = load_table(TABLE)["contents"]
    if content not in table:
        raise DomainError("command.content_unknown", f"未定义的报告内容要求: {content}")
    entry = table[content]
    return tuple(str(i) for i in entry["items"]), Citation(
        str(entry["document"]), str(entry["clause"]), str(entry["text"])
    )


def missing_content(content: str, provided: Iterable[str]) -> Decision[tuple[str, ...]]:
    """The required items not yet provided: a report missing any cannot be filed as complete.

    Source: 城政办发〔2024〕7号 4.2; 城政办发〔2024〕2号 3.3.2.
    """
    items, citation = required_content(content)
    given = {p.strip() for p in provided if p.strip()}
    return Decision(tuple(i for i in items if i not in given), (citation,))


def resolve_plan(incident_type: str) -> str:
    """The plan key whose clocks apply: a plan key, its incident type, or words that route to it.

    Raises a clear error for 重污染天气 (its clocks are in the air module) and for types whose
    clocks the gazette does not set.
    """
    text = "".join(incident_type.split())
    if not text:
        raise DomainError("command.type_missing", "请填写突发事件类型", field="type")
    table = load_table(TABLE)
    for linked in table.get("linked", []):
        if text in {linked["key"], linked["incident_type"]}:
            raise _linked_error(linked)
    for plan in plans():
        if text in {plan.key, plan.incident_type}:
            return plan.key
    routing = route_incident(text).value
    found = tuple(dict.fromkeys(p for r in routing.routes for p in r.plans))
    for linked in table.get("linked", []):
        if found == (linked["key"],):
            raise _linked_error(linked)
    known = [p for p in found if any(p == q.key for q in plans())]
    if len(known) == 1:
        return known[0]
    raise DomainError(
        "command.clocks_not_in_gazette",
        f"公报未规定“{incident_type}”的报告时限; 请按相应专项应急预案执行(已收录时限: 饮用水水源地突发环境事件、突发重大动物疫情)",
        field="type",
    )


def _linked_error(linked: Mapping[str, Any]) -> DomainError:
    return DomainError(
        "command.clocks_elsewhere",
        f"{linked['incident_type']}的时限由大气模块计算({linked['document']} {linked['clause']}, 规则表 {linked['table']}.{linked['entry']})",
        field="type",
    )


def report_deadlines(
    incident_type: str,
    level: str | None,
    occurred_or_learned_at: datetime,
    *,
    anchors: Mapping[str, datetime] | None = None,
) -> list[Deadline]:
    """Every reporting and action deadline of the incident's plan, in Asia/Shanghai time.

    ``occurred_or_learned_at`` is when the incident happened (or, if that is unknown, when it was
    learned of); ``anchors`` gives other moments by Anchor value (``received``, ``handling_ended`` …).
    Anchors not given default to the start time when the event has surely happened by then,
    with a note; a later event (续报, 处理结果报告) gets ``due = None`` until its time is known.
    Source: 城政办发〔2024〕7号 3.5, 4.1, 4.2, 5.1, 5.2.2; 城政办发〔2024〕2号 3.3.3, 4.1.
    """
    start = to_local(occurred_or_learned_at)
    plan_key = resolve_plan(incident_type)
    plan = next(p for p in plans() if p.key == plan_key)
    wanted = normalise_level(level) if level else None
    if wanted is not None and wanted not in plan.levels:
        raise DomainError(
            "command.level_invalid",
            f"{plan.incident_type}的响应级别为{'、'.join(plan.levels)}, 不含{wanted}级",
            field="level",
        )
    given: dict[Anchor, datetime] = {}
    for name, moment in (anchors or {}).items():
        try:
            anchor = Anchor(name)
        except ValueError:
            raise DomainError(
                "command.anchor_unknown", f"未定义的起算时点: {name}", field="anchors"
            ) from None
        local = to_local(moment)
        if local < start and anchor is not Anchor.OCCURRED:
            raise DomainError(
                "command.anchor_before_start", f"{anchor.label}时间早于事发时间", field=name
            )
        given[anchor] = local

    out: list[Deadline] = []
    for rule in clock_rules():
        if rule.plan != plan_key:
            continue
        notes: list[str] = []
        if rule.levels and wanted is not None and wanted not in rule.levels:
            continue
        at: datetime | None = given.get(rule.anchor)
        if rule.levels and wanted is None:
            at = None
            notes.append(f"仅适用于{'、'.join(rule.levels)}级响应; 响应级别确定后起算")
        elif at is None and rule.anchor in _DEFAULTS_TO_START:
            at = start
            if rule.anchor is not Anchor.OCCURRED:
                notes.append(f"未提供“{rule.anchor.label}”时间, 按事发(获知)时间起算, 时限从严")
        elif at is None:
            notes.append(f"{rule.anchor.label}后起算")
        if rule.immediate:
            notes.append("原文为“立即”, 无具体分钟数")
        due = None if at is None else at + rule.within
        content = required_content(rule.content)[0] if rule.content else ()
        out.append(
            Deadline(
                key=rule.key,
                report=rule.report,
                reporter=rule.reporter,
                recipients=rule.recipients,
                anchor=rule.anchor,
                anchor_at=at,
                due=due,
                immediate=rule.immediate,
                form=rule.form,
                required_content=content,
                citation=rule.citation,
                notes=tuple(notes),
            )
        )
    return out


def linked_clocks() -> tuple[Citation, ...]:
    """Clocks kept by other modules (重污染天气 → air_plan), as citations to follow.

    Source: 城政办发〔2024〕1号 3.2.
    """
    table = load_table(TABLE)
    return tuple(
        Citation(str(x["document"]), str(x["clause"]), str(x["text"]))
        for x in table.get("linked", [])
    )
