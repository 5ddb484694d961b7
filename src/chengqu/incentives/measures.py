"""The sixteen 开门红 measures: their rule table loaded into typed, immutable data.

Pure data, no rule logic (that is chengqu.incentives.rules): the engine and the reference
oracle share these tables and nothing else.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from chengqu.common import Citation, DomainError, Reading
from chengqu.rules import dec, load_table

TABLE = "incentives_kaimenhong"

# Units as the gazette writes them, to the base unit the facts use (yuan, percent, m², counts).
# These are unit definitions, not rule values: 1万 = 10^4 and 1亿 = 10^8 by definition.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": Decimal(10) ** 4,
    "亿元": Decimal(10) ** 8,
    "%": Decimal(1),
    "m²": Decimal(1),
    "家": Decimal(1),
    "次": Decimal(1),
    "万次": Decimal(10) ** 4,
    "场": Decimal(1),
    "人": Decimal(1),
    "人次": Decimal(1),
    "个": Decimal(1),
    "晚": Decimal(1),
}

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "ge": operator.ge,
    "le": operator.le,
    "gt": operator.gt,
    "lt": operator.lt,
}

FACT_KINDS = frozenset({"money", "percent", "area", "count", "area_list", "travel_groups"})
_KIND_UNITS = {
    "money": "元",
    "percent": "%",
    "area": "m²",
    "area_list": "m²",
    "travel_groups": "人次",
}
MEASURE_KINDS = frozenset({"tiers", "rate", "per_store", "travel", "cost_subsidy", "guidance"})


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact an enterprise may give: how it is parsed, what it means, which window it covers."""

    name: str
    kind: str
    label: str
    window: str
    measure: int
    unit: str
    short_label: str = ""  # the label without its unit suffix: 一季度完成投资额


@dataclass(frozen=True, slots=True)
class Window:
    """The period a fact covers."""

    key: str
    label: str
    start: date
    end: date
    assumed: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """``fact <word> value``: one comparison written in the gazette's words."""

    fact: str
    reading: Reading
    threshold: Decimal
    value_text: str
    unit: str
    note: str = ""
    # Derived from ``reading`` when compiled, kept as plain fields for the engine's hot path
    # (the reference oracle reads ``reading`` itself).
    op: Callable[[Any, Any], bool] = operator.ge
    is_lower_bound: bool = True
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Tier:
    """A tier: the conditions that must all hold and the amount (yuan) it pays, if fixed."""

    name: str
    text: str
    amount: Decimal | None
    conditions: tuple[Condition, ...]
    checks: tuple[tuple[str, Callable[[Any, Any], bool], Decimal], ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """One of the sixteen measures: its clause, kind, window, tiers and caps, all from the table."""

    number: int
    clause: str
    title: str
    text: str
    kind: str
    window: Window
    valid_to: date
    one_off: bool
    per: str
    lead_unit: str
    lead_unit_assumed: bool
    facts: tuple[str, ...]
    assumes: str
    tiers: tuple[Tier, ...]
    citation: Citation
    guidance: str = ""
    rate: Decimal | None = None
    rate_text: str = ""
    cap: Decimal | None = None
    cap_text: str = ""
    cost_fact: str = ""
    per_night: Decimal | None = None
    per_stay_cap: Decimal | None = None
    per_stay_cap_text: str = ""
    group_conditions: tuple[Condition, ...] = ()

    def tier_citation(self, tier: Tier) -> Citation:
        return Citation(self.citation.document, self.clause, tier.text)


@dataclass(frozen=True, slots=True)
class Rules:
    """The whole table: document, claim window, facts, windows, measures, stacking clause."""

    document: str
    title: str
    effective: date
    expires: date
    claims_open: date
    claims_close: date
    claims_close_assumed: bool
    claims_close_note: str
    facts: Mapping[str, FactSpec]
    windows: Mapping[str, Window]
    measures: tuple[Measure, ...]
    stacking: Citation
    rounding_note: str

    def measure(self, number: int) -> Measure:
        for measure in self.measures:
            if measure.number == number:
                return measure
        raise DomainError("incentives.measure_unknown", f"没有第{number}条措施", field="measure")


def _amount(entry: Mapping[str, Any], key: str, where: str) -> Decimal | None:
    if key not in entry:
        return None
    unit = str(entry.get(f"{key}_unit", "元"))
    return dec(entry[key], where=where) * _factor(unit, where)


def _factor(unit: str, where: str) -> Decimal:
    try:
        return UNIT_FACTORS[unit]
    except KeyError:
        raise DomainError("rules.unit", f"规则表单位未定义: {where} 的 {unit}") from None


def _condition(spec: Mapping[str, Any], where: str) -> Condition:
    unit = str(spec.get("unit", "元"))
    value_text = str(spec["value"])
    reading = Reading.from_word(str(spec["word"]))
    op_name = reading.value[1]
    return Condition(
        fact=str(spec["fact"]),
        reading=reading,
        threshold=dec(value_text, where=where) * _factor(unit, where),
        value_text=value_text,
        unit=unit,
        note=str(spec.get("reading", "")),
        op=_OPS[op_name],
        is_lower_bound=op_name in {"ge", "gt"},
        strict=op_name in {"gt", "lt"},
    )


def _tier(spec: Mapping[str, Any], requires: tuple[Condition, ...], where: str) -> Tier:
    conditions = requires + tuple(_condition(c, where) for c in spec.get("when", []))
    checks = tuple((c.fact, _OPS[c.reading.value[1]], c.threshold) for c in conditions)
    return Tier(
        name=str(spec["name"]),
        text=str(spec["text"]),
        amount=_amount(spec, "amount", where),
        conditions=conditions,
        checks=checks,
    )


def compile_rules(table: Mapping[str, Any]) -> Rules:
    """Typed rules from a parsed table; an inconsistent table is refused, never half-read."""
    document = table["document"]
    number = str(document["number"])
    windows = {
        key: Window(key, str(w["label"]), w["start"], w["end"], bool(w.get("assumed", False)))
        for key, w in table["windows"].items()
    }
    facts: dict[str, FactSpec] = {}
    for name, spec in table["facts"].items():
        if spec["kind"] not in FACT_KINDS or spec["window"] not in windows:
            raise DomainError("rules.fact", f"规则表事实定义错误: {name}")
        kind = str(spec["kind"])
        facts[name] = FactSpec(
            name=name,
            kind=kind,
            label=str(spec["label"]),
            window=str(spec["window"]),
            measure=int(spec["measure"]),
            unit=str(spec.get("unit", _KIND_UNITS.get(kind, ""))),
            short_label=str(spec["label"]).split("(", 1)[0],
        )
    measures = []
    for spec in table["measures"]:
        where = f"measures[{spec['number']}]"
        if spec["kind"] not in MEASURE_KINDS:
            raise DomainError("rules.measure", f"规则表措施类型错误: {where}")
        requires = tuple(_condition(c, where) for c in spec.get("requires", []))
        tiers = tuple(_tier(t, requires, where) for t in spec.get("tiers", []))
        window = windows[str(spec["window"])]
        if spec["valid_to"] < window.end:
            raise DomainError("rules.window", f"规则表 {where} 的统计期晚于有效期")
        for fact in spec["facts"]:
            if fact not in facts or facts[fact].measure != spec["number"]:
                raise DomainError("rules.fact", f"规则表 {where} 引用了未定义的事实 {fact}")
        measures.append(
            Measure(
                number=int(spec["number"]),
                clause=str(spec["clause"]),
                title=str(spec["title"]),
                text=str(spec["text"]),
                kind=str(spec["kind"]),
                window=window,
                valid_to=spec["valid_to"],
                one_off=bool(spec["one_off"]),
                per=str(spec["per"]),
                lead_unit=str(spec["lead_unit"]),
                lead_unit_assumed=bool(spec.get("lead_unit_assumed", False)),
                facts=tuple(str(f) for f in spec["facts"]),
                assumes=str(spec.get("assumes", "")),
                tiers=tiers,
                citation=Citation(number, str(spec["clause"]), str(spec["text"])),
                guidance=str(spec.get("guidance", "")),
                rate=dec(spec["rate"], where=where) if "rate" in spec else None,
                rate_text=str(spec.get("rate_text", "")),
                cap=_amount(spec, "cap", where),
                cap_text=str(spec.get("cap_text", "")),
                cost_fact=str(spec.get("cost_fact", "")),
                per_night=_amount(spec, "per_night", where),
                per_stay_cap=_amount(spec, "per_stay_cap", where),
                per_stay_cap_text=str(spec.get("per_stay_cap_text", "")),
                group_conditions=tuple(_condition(c, where) for c in spec.get("group_when", [])),
            )
        )
    claims = table["claims"]
    stacking = table["stacking"]
    return Rules(
        document=number,
        title=str(document["title"]),
        effective=document["effective"],
        expires=document["expires"],
        claims_open=claims["open"],
        claims_close=claims["close"],
        claims_close_assumed=bool(claims.get("close_assumed", False)),
        claims_close_note=str(claims.get("close_note", "")),
        facts=facts,
        windows=windows,
        measures=tuple(sorted(measures, key=lambda m: m.number)),
        stacking=Citation(number, str(stacking["clause"]), str(stacking["text"])),
        rounding_note=str(table["rounding"]["note"]),
    )


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The shipped table ``incentives_kaimenhong.toml``, compiled once.

    Source: 城政办发〔2024〕5号
    """
    return compile_rules(load_table(TABLE))
