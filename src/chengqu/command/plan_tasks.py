"""What the plans require on an incident: the water plan's tasks per warning and response level,
the animal plan's measures per zone, the sample confirmation chain, compensation records and the
after-incident assessment report.

Sources: 城政办发〔2024〕7号 2.3, 3.5, 5.1.1, 5.1.2, 5.2.3, 6.2; 城政办发〔2024〕2号 3.3.3, 4.3, 5.1, 5.2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from chengqu.common import Citation, Decision, DomainError
from chengqu.common.money import yuan
from chengqu.rules import load_table

TABLE = "command_plan_tasks"
WATER = "城政办发〔2024〕7号"
ANIMAL = "城政办发〔2024〕2号"


def _table() -> dict[str, Any]:
    return load_table(TABLE)


# ------------------------------------------------------------------ water tasks


@dataclass(frozen=True, slots=True)
class TaskTemplate:
    """One task a warning or response level of the water plan requires, with its working group."""

    key: str
    on: tuple[str, ...]
    clause: str
    title: str
    text: str
    group: str
    also: tuple[str, ...]
    basis: str  # "text": the clause names the group; "inferred": assigned by the group's name
    discretionary: bool
    note: str

    @property
    def citation(self) -> Citation:
        return Citation(WATER, self.clause, self.text)


def water_groups() -> tuple[str, ...]:
    """The nine working groups of 7号 2.3, in the plan's order."""
    return tuple(str(n) for n in _table()["water_groups"]["names"])


def water_groups_note() -> str:
    return str(_table()["water_groups"]["duties_note"])


def water_templates() -> tuple[TaskTemplate, ...]:
    groups = set(water_groups())
    out = []
    for e in _table()["water_task"]:
        template = TaskTemplate(
            key=str(e["key"]),
            on=tuple(str(x) for x in e["on"]),
            clause=str(e["clause"]),
            title=str(e["title"]),
            text=str(e["text"]),
            group=str(e["group"]),
            also=tuple(str(x) for x in e.get("also", [])),
            basis=str(e["basis"]),
            discretionary=bool(e.get("discretionary", False)),
            note=str(e.get("note", "")),
        )
        unknown = {template.group, *template.also} - groups
        if unknown:  # pragma: no cover - guarded by the table's tests
            raise DomainError(
                "command.group_unknown",
                f"任务{template.key}的工作组不在7号 2.3 所列之内: {unknown}",
            )
        out.append(template)
    return tuple(out)


def water_tasks(warning: str = "", response: str = "") -> Decision[tuple[TaskTemplate, ...]]:
    """The tasks a water-source incident must carry for its warning colour and response level.

    ``warning``: "橙色" / "红色" / ""; ``response``: "Ⅱ" / "Ⅰ" / "". Orange: members prepare (3.5);
    red: the office starts the warning actions (1)–(4) (3.5); Ⅱ: 5.1.1 and 5.2.3; Ⅰ: 5.1.2 on top of
    Ⅱ ("在Ⅱ级响应的基础上") and 5.2.3.
    Source: 城政办发〔2024〕7号 3.5, 5.1.1, 5.1.2, 5.2.3.
    """
    if warning not in {"", "橙色", "红色"}:
        raise DomainError(
            "command.warning_invalid", f"水源地预警级别应为橙色或红色: {warning}", field="warning"
        )
    if response not in {"", "Ⅱ", "Ⅰ"}:
        raise DomainError(
            "command.level_invalid", f"水源地应急响应级别应为Ⅱ级或Ⅰ级: {response}", field="response"
        )
    wanted = {f"warning:{warning}"} if warning else set()
    if response:
        wanted.add(f"response:{response}")
    found = tuple(t for t in water_templates() if wanted & set(t.on))
    clauses: list[str] = []
    for t in found:
        head = t.clause.split("(")[0]
        if head not in clauses:
            clauses.append(head)
    citations = tuple(Citation(WATER, c) for c in clauses)
    notes = (water_groups_note(),) if any(t.basis == "inferred" for t in found) else ()
    return Decision(found, citations, notes)


# ------------------------------------------------------------------ animal measures


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    zone: str
    text: str
    note: str

    @property
    def citation(self) -> Citation:
        return Citation(ANIMAL, str(_table()["animal_measures"]["clause"]), self.text)


def animal_zones() -> tuple[str, ...]:
    return tuple(str(z) for z in _table()["animal_measures"]["zones"])


def animal_measures() -> Decision[dict[str, tuple[Measure, ...]]]:
    """The measures of 2号 4.3 as a checklist per zone (疫点, 疫区, 受威胁区, and 全域 for the
    measures 4.3 ties to no zone). Source: 城政办发〔2024〕2号 4.3, 7.1."""
    table = _table()
    by_zone: dict[str, list[Measure]] = {z: [] for z in animal_zones()}
    for e in table["animal_measure"]:
        zone = str(e["zone"])
        if zone not in by_zone:  # pragma: no cover - guarded by the table's tests
            raise DomainError("command.zone_unknown", f"未定义的区域: {zone}")
        by_zone[zone].append(Measure(str(e["key"]), zone, str(e["text"]), str(e.get("note", ""))))
    entry = table["animal_measures"]
    return Decision(
        {z: tuple(items) for z, items in by_zone.items()},
        (Citation(ANIMAL, str(entry["clause"])), Citation(ANIMAL, "7.1")),
        (str(entry["zone_note"]),),
    )


# ------------------------------------------------------------------ sample confirmation chain


@dataclass(frozen=True, slots=True)
class SampleStep:
    """One lab of the chain: when samples were sent, received, and the result given."""

    lab: str
    sent_at: datetime | None = None
    received_at: datetime | None = None
    result_at: datetime | None = None
    result: str = ""


def sample_labs() -> tuple[str, ...]:
    return tuple(str(x) for x in _table()["samples"]["labs"])


def sample_results() -> tuple[str, ...]:
    return tuple(str(x) for x in _table()["samples"]["results"])


def sample_citation() -> Citation:
    entry = _table()["samples"]
    return Citation(ANIMAL, str(entry["clause"]), str(entry["text"]))


def empty_chain() -> tuple[SampleStep, ...]:
    return tuple(SampleStep(lab) for lab in sample_labs())


FIELDS = ("sent_at", "received_at", "result_at")
LABELS = {"sent_at": "送样", "received_at": "接收", "result_at": "出具结果"}


def record_sample(
    chain: Sequence[SampleStep],
    index: int,
    field: str,
    at: datetime,
    *,
    result: str = "",
) -> Decision[tuple[SampleStep, ...]]:
    """Record one time on the chain, refusing anything out of order.

    A lab is sent samples only after the lab before it gave the result 不能认定 (and not before that
    result's time); within a lab, received follows sent and the result follows receipt; a time
    already recorded is never moved. Source: 城政办发〔2024〕2号 3.3.3.
    """
    labs = sample_labs()
    steps = list(chain)
    if len(steps) != len(labs):
        raise DomainError("command.sample_chain", "样品确认链应依次为: " + " → ".join(labs))
    if not 0 <= index < len(steps):
        raise DomainError("command.sample_step", "样品确认环节无效", field="step")
    if field not in FIELDS:
        raise DomainError("command.sample_field", f"未定义的记录项: {field}", field="field")
    step = steps[index]
    label = f"{step.lab}{LABELS[field]}"
    if getattr(step, field) is not None:
        raise DomainError("command.sample_recorded", f"{label}时间已记录, 不能更改", field=field)
    forward = str(_table()["samples"]["forward_on"])
    if field == "sent_at" and index > 0:
        before = steps[index - 1]
        if before.result != forward or before.result_at is None:
            raise DomainError(
                "command.sample_order",
                f"须先记录{before.lab}的结果为“{forward}”, 才能送{step.lab}",
                field="step",
            )
        if at < before.result_at:
            raise DomainError(
                "command.sample_order",
                f"送{step.lab}的时间不能早于{before.lab}出具结果的时间",
                field="at",
            )
    if field == "received_at":
        if step.sent_at is None:
            raise DomainError("command.sample_order", f"须先记录送{step.lab}的时间", field="field")
        if at < step.sent_at:
            raise DomainError(
                "command.sample_order", f"{step.lab}接收时间不能早于送样时间", field="at"
            )
    if field == "result_at":
        if step.received_at is None:
            raise DomainError(
                "command.sample_order", f"须先记录{step.lab}接收样品的时间", field="field"
            )
        if at < step.received_at:
            raise DomainError(
                "command.sample_order", f"{step.lab}出具结果时间不能早于接收时间", field="at"
            )
        if result not in sample_results():
            raise DomainError(
                "command.sample_result", "结果应为: " + "、".join(sample_results()), field="result"
            )
        if result == forward and index == len(steps) - 1:
            raise DomainError(
                "command.sample_result",
                f"{step.lab}为确认链的最后一环, 结果应为确诊或排除",
                field="result",
            )
    if field == "sent_at":
        updated = replace(step, sent_at=at)
    elif field == "received_at":
        updated = replace(step, received_at=at)
    else:
        updated = replace(step, result_at=at, result=result)
    steps[index] = updated
    return Decision(tuple(steps), (sample_citation(),))


def chain_outcome(chain: Sequence[SampleStep]) -> str:
    """The chain's conclusion so far: the lab and result that ended it, or "" while pending."""
    forward = str(_table()["samples"]["forward_on"])
    for step in chain:
        if step.result and step.result != forward:
            return f"{step.lab}: {step.result}"
    return ""


# ------------------------------------------------------------------ compensation


@dataclass(frozen=True, slots=True)
class Compensation:
    kind: str
    item: str
    owner: str
    quantity: Decimal
    unit: str
    amount: Decimal
    basis: str


def compensation_kinds() -> tuple[str, ...]:
    return tuple(str(k) for k in _table()["compensation"]["kinds"])


def compensation_citation() -> Citation:
    entry = _table()["compensation"]
    return Citation(ANIMAL, str(entry["clause"]), str(entry["text"]))


def compensation_note() -> str:
    return str(_table()["compensation"]["note"])


def check_compensation(
    *,
    kind: str,
    item: str,
    owner: str,
    quantity: Decimal | int | str,
    unit: str,
    amount: Decimal | int | str,
    basis: str,
) -> Decision[Compensation]:
    """A compensation line as the ledger keeps it: what was culled, destroyed or requisitioned,
    whose, how much, the amount in exact yuan (to the fen) and the rule it follows.

    Source: 城政办发〔2024〕2号 5.2 (standards per 6.6: national, provincial and city rules).
    """
    if kind not in compensation_kinds():
        raise DomainError(
            "command.compensation_kind",
            "类别应为: " + "、".join(compensation_kinds()),
            field="kind",
        )
    for value, name, label in (
        (item, "item", "扑杀/销毁/征用的物品"),
        (owner, "owner", "所有人(单位或个人)"),
        (unit, "unit", "数量单位"),
        (basis, "basis", "补偿依据"),
    ):
        if not value.strip():
            raise DomainError("command.compensation_missing", f"请填写{label}", field=name)
    try:
        qty = Decimal(str(quantity).replace(",", "").strip())
    except ArithmeticError:
        raise DomainError(
            "command.compensation_quantity", "数量格式不正确", field="quantity"
        ) from None
    if not qty.is_finite() or qty <= 0:
        raise DomainError("command.compensation_quantity", "数量必须大于0", field="quantity")
    try:
        money = yuan(amount)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="amount") from None
    if money < 0:
        raise DomainError("command.compensation_amount", "补偿金额不能为负数", field="amount")
    if money != money.quantize(Decimal("0.01")):
        raise DomainError("command.compensation_amount", "补偿金额最多保留到分", field="amount")
    record = Compensation(
        kind, item.strip(), owner.strip(), qty, unit.strip(), money, basis.strip()
    )
    return Decision(record, (compensation_citation(),))


def compensation_total(records: Sequence[Compensation]) -> Decimal:
    return sum((r.amount for r in records), Decimal("0.00"))


# ------------------------------------------------------------------ assessment report


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class AssessmentForm:
    plan: str
    title: str
    sections: tuple[Section, ...]
    citation: Citation


def assessment_form(plan: str) -> AssessmentForm:
    """The sections each plan requires of its after-incident report.

    Source: 城政办发〔2024〕2号 5.1 (疫情评估); 城政办发〔2024〕7号 6.2 (事件调查报告).
    """
    for e in _table()["assessment"]:
        if str(e["plan"]) == plan:
            return AssessmentForm(
                plan=plan,
                title=str(e["title"]),
                sections=tuple(Section(str(s["name"]), bool(s["required"])) for s in e["sections"]),
                citation=Citation(str(e["document"]), str(e["clause"]), str(e["text"])),
            )
    raise DomainError("command.plan_unknown", "公报未规定该类事件的评估报告内容", field="plan")


def assessment_missing(plan: str, content: Mapping[str, str]) -> tuple[str, ...]:
    """The required sections still empty (blank text counts as empty)."""
    return tuple(
        s.name
        for s in assessment_form(plan).sections
        if s.required and not str(content.get(s.name, "")).strip()
    )
