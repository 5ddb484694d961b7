"""Response measures, reduction targets and exemptions of the district plan, read from its rule table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError
from chengqu.rules import cite, dec, load_table

PLAN_TABLE = "air_plan"
RESPONSES = ("III", "II", "I")
_DESCRIPTIVE = {
    "id",
    "response",
    "category",
    "source",
    "clause",
    "text",
    "responsible",
    "assumed",
    "named_in_text",
}


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of 4.2.1–4.2.3 (or 4.4/6.1 at every level) with its responsible units.

    ``assumed`` is True when the plan's text does not name the unit (annex 2 is not in the gazette);
    ``details`` keeps every number and list the clause fixes (times a day, vehicle classes, ...).
    """

    id: str
    response: str
    category: str
    source: str
    text: str
    responsible: tuple[str, ...]
    assumed: bool
    citation: Citation
    named_in_text: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The category as the plan groups it: 健康防护 / 倡议性 / 强制性/工业源 ... / 其他措施."""
        return f"{self.category}/{self.source}" if self.source else self.category

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.label,
            "text": self.text,
            "responsible": list(self.responsible),
            "responsible_assumed": self.assumed,
            "citation": {"document": self.citation.document, "clause": self.citation.clause},
            "id": self.id,
        }


@dataclass(frozen=True, slots=True)
class Exemption:
    """A 4.4 exemption: who may be spared which measure, on what condition and whose approval."""

    id: str
    text: str
    citation: Citation
    details: Mapping[str, Any] = field(default_factory=dict)


@cache
def plan_table() -> dict[str, Any]:
    return load_table(PLAN_TABLE)


@cache
def all_measures() -> tuple[Measure, ...]:
    """Every measure of the plan, in the plan's order."""
    table = plan_table()
    members = set(table["members"]["units"]) | {"区指挥部各成员单位"}
    measures = []
    for entry in table["measure"]:
        responsible = tuple(str(u) for u in entry["responsible"])
        unknown = [u for u in responsible if u not in members]
        if unknown:
            raise DomainError(
                "rules.value",
                f"措施 {entry['id']} 的责任单位不在 2.1 成员名单中: {'、'.join(unknown)}",
            )
        measures.append(
            Measure(
                id=str(entry["id"]),
                response=str(entry["response"]),
                category=str(entry["category"]),
                source=str(entry.get("source", "")),
                text=str(entry["text"]),
                responsible=responsible,
                assumed=bool(entry["assumed"]),
                citation=cite(table, entry),
                named_in_text=str(entry.get("named_in_text", "")),
                details={k: v for k, v in entry.items() if k not in _DESCRIPTIVE},
            )
        )
    return tuple(measures)


def measures_for(response: str) -> tuple[Measure, ...]:
    """The measures of a response level (``III``, ``II``, ``I``), those of every level included.

    Source: 城政办发〔2024〕1号 4.2.1–4.2.3, 4.4(2), 6.1.
    """
    if response not in RESPONSES:
        raise DomainError(
            "air.response", f"响应级别应为 Ⅲ/Ⅱ/Ⅰ (III/II/I): {response}", field="response"
        )
    return tuple(m for m in all_measures() if m.response in (response, "all"))


def reduction_target(response: str) -> Decimal:
    """The share of district-wide emissions a response must cut (percent): Ⅲ 20, Ⅱ 30, Ⅰ 40.

    Source: 城政办发〔2024〕1号 4.3.
    """
    for entry in plan_table()["response"]:
        if entry["response"] == response:
            return dec(entry["reduction_percent"], where="response.reduction_percent")
    raise DomainError(
        "air.response", f"响应级别应为 Ⅲ/Ⅱ/Ⅰ (III/II/I): {response}", field="response"
    )


@cache
def exemptions() -> tuple[Exemption, ...]:
    """The exemptions of 4.4 (5)–(8) with their numbers (48 h, 12 h, 100 kg, class B) and approvers."""
    table = plan_table()
    return tuple(
        Exemption(
            id=str(e["id"]),
            text=str(e["text"]),
            citation=cite(table, e),
            details={k: v for k, v in e.items() if k not in ("id", "clause", "text")},
        )
        for e in table["exemption"]
    )


def member_units() -> tuple[str, ...]:
    """The member units of the district headquarters (2.1), in the plan's order."""
    return tuple(str(u) for u in plan_table()["members"]["units"])
