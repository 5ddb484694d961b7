"""Census phases, the standard time point, enumerations and the lead workflow of 城政发〔2024〕3号."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from chengqu.common import Citation, Decision, DomainError
from chengqu.rules import cite, load_table

TABLE = "relics_census"


class ProtectionLevel(StrEnum):
    """保护级别 (三(二))."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    UNRATED = "unrated"


class Category(StrEnum):
    """文物类别 (三(二))."""

    SITE = "site"
    TOMB = "tomb"
    BUILDING = "building"
    GROTTO = "grotto"
    MODERN = "modern"
    OTHER = "other"


class PreservationState(StrEnum):
    """保存状况 (三(二))."""

    GOOD = "good"
    FAIR = "fair"
    AVERAGE = "average"
    POOR = "poor"
    BAD = "bad"


class ReexamOutcome(StrEnum):
    """The result of re-examining a registered relic (复查, 三(一))."""

    AS_RECORDED = "as_recorded"
    CHANGED = "changed"
    DAMAGED = "damaged"
    LOST = "lost"


class DamageCause(StrEnum):
    """Why a relic was damaged; human action and neglect open a case (五(一))."""

    HUMAN = "human"
    NEGLECT = "neglect"
    NATURAL = "natural"


class LeadStage(StrEnum):
    """Where a record stands: a new lead is surveyed, verified, registered, then published."""

    LEAD = "lead"
    SURVEYED = "surveyed"
    VERIFIED = "verified"
    REGISTERED = "registered"
    PUBLISHED = "published"
    REJECTED = "rejected"


_ENUM_SECTIONS: dict[type[StrEnum], tuple[str, str]] = {
    ProtectionLevel: ("levels", "values"),
    Category: ("categories", "values"),
    PreservationState: ("states", "values"),
    ReexamOutcome: ("reexamination", "outcomes"),
    DamageCause: ("damage", "causes"),
    LeadStage: ("leads", "stages"),
}


@dataclass(frozen=True, slots=True)
class Phase:
    """One of the three census phases, inclusive of both dates."""

    key: str
    name: str
    start: date
    end: date
    task: str
    citation: Citation

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class CensusRules:
    document: str
    standard_time_point: date
    time_point_cite: Citation
    registered_count: int
    scope_cite: Citation
    phases: tuple[Phase, ...]
    labels: dict[str, dict[str, str]]
    level_aliases: dict[str, str]
    sensitive: frozenset[str]
    opens_case: frozenset[str]
    damage_cite: Citation
    transitions: frozenset[tuple[str, str]]
    leads_cite: Citation
    publish_cite: Citation
    contents_cite: Citation
    required: tuple[tuple[str, str], ...]
    optional: tuple[tuple[str, str], ...]


def _pairs(rows: list[list[str]]) -> dict[str, str]:
    return {str(a): str(b) for a, b in rows}


@cache
def census_rules() -> CensusRules:
    """The census rule table as values. Source: 城政发〔2024〕3号 三、四、五."""
    table: dict[str, Any] = load_table(TABLE)
    labels: dict[str, dict[str, str]] = {}
    for enum, (section, key) in _ENUM_SECTIONS.items():
        pairs = _pairs(table[section][key])
        if set(pairs) != {m.value for m in enum}:
            raise DomainError("relics.rules", f"规则表 {TABLE} 的 {section}.{key} 与代码枚举不一致")
        labels[enum.__name__] = pairs
    phases = tuple(
        Phase(
            key=str(p["key"]),
            name=str(p["name"]),
            start=p["start"],
            end=p["end"],
            task=str(p["task"]),
            citation=cite(table, p),
        )
        for p in table["phases"]
    )
    aliases = _pairs(table["levels"]["aliases"])
    contents = table["contents"]
    leads = table["leads"]
    return CensusRules(
        document=str(table["document"]["number"]),
        standard_time_point=table["standard_time_point"]["date"],
        time_point_cite=cite(table, table["standard_time_point"]),
        registered_count=int(table["scope"]["registered_count"]),
        scope_cite=cite(table, table["scope"]),
        phases=phases,
        labels=labels,
        level_aliases=aliases,
        sensitive=frozenset(table["categories"]["sensitive"]),
        opens_case=frozenset(table["damage"]["opens_case"]),
        damage_cite=cite(table, table["damage"]),
        transitions=frozenset((str(a), str(b)) for a, b in leads["transitions"]),
        leads_cite=cite(table, leads),
        publish_cite=Citation(str(table["document"]["number"]), str(leads["publish_clause"])),
        contents_cite=cite(table, contents),
        required=tuple((str(a), str(b)) for a, b in contents["required"]),
        optional=tuple((str(a), str(b)) for a, b in contents["optional"]),
    )


def label_of(value: StrEnum) -> str:
    """The Chinese label of an enumeration value, from the rule table."""
    return census_rules().labels[type(value).__name__][value.value]


def phases() -> tuple[Phase, ...]:
    """The three phases in order. Source: 城政发〔2024〕3号 四(一)(二)(三)."""
    return census_rules().phases


def standard_time_point() -> Decision[date]:
    """The date every census record states its values as of. Source: 城政发〔2024〕3号 四."""
    rules = census_rules()
    return Decision(rules.standard_time_point, (rules.time_point_cite,))


def registered_count() -> Decision[int]:
    """How many registered relics are to be re-examined (367). Source: 城政发〔2024〕3号 三(一)."""
    rules = census_rules()
    return Decision(rules.registered_count, (rules.scope_cite,))


def phase_on(day: date) -> Decision[Phase | None]:
    """The phase that applies on ``day``; None before 2023-11 or after 2026-06, with a note.

    Source: 城政发〔2024〕3号 四(一)(二)(三).
    """
    all_phases = phases()
    for phase in all_phases:
        if phase.contains(day):
            return Decision(phase, (phase.citation,))
    first, last = all_phases[0], all_phases[-1]
    if day < first.start:
        note = f"普查尚未开始 (自 {first.start.isoformat()} 起)"
        return Decision(None, (first.citation,), (note,))
    note = f"普查已于 {last.end.isoformat()} 结束"
    return Decision(None, (last.citation,), (note,))


def _parse(
    enum: type[StrEnum], raw: str, field: str, what: str, aliases: dict[str, str] | None = None
) -> Any:
    text = str(raw).strip()
    labels = census_rules().labels[enum.__name__]
    by_label = {label: code for code, label in labels.items()}
    code = text if text in labels else by_label.get(text) or (aliases or {}).get(text)
    if code is None:
        allowed = "、".join(labels.values())
        raise DomainError(
            f"relics.{field}", f"未知的{what}「{text}」, 应为: {allowed}", field=field
        )
    return enum(code)


def parse_level(raw: str) -> ProtectionLevel:
    """A protection level from its code, its label or a common short form (省级, 国保 …).

    Source: 城政发〔2024〕3号 三(二).
    """
    result: ProtectionLevel = _parse(
        ProtectionLevel, raw, "level", "保护级别", census_rules().level_aliases
    )
    return result


def parse_category(raw: str) -> Category:
    """A category from its code or label. Source: 城政发〔2024〕3号 三(二)."""
    result: Category = _parse(Category, raw, "category", "文物类别")
    return result


def parse_state(raw: str) -> PreservationState:
    """A state of preservation from its code or label. Source: 城政发〔2024〕3号 三(二)."""
    result: PreservationState = _parse(PreservationState, raw, "state", "保存状况")
    return result


def is_sensitive(category: Category, *, marked: bool = False) -> bool:
    """Whether exact coordinates must be withheld from the public (sites, tombs, or marked by hand).

    Source: 城政发〔2024〕3号 五(五) (数据信息安全), project reading.
    """
    return marked or category.value in census_rules().sensitive


def damage_opens_case(outcome: ReexamOutcome, cause: DamageCause | None) -> Decision[bool]:
    """Whether a re-examination opens an investigation case: damage or loss by human action or neglect.

    Source: 城政发〔2024〕3号 五(一).
    """
    rules = census_rules()
    if outcome not in (ReexamOutcome.DAMAGED, ReexamOutcome.LOST):
        return Decision(value=False, citations=(rules.damage_cite,))
    if cause is None:
        raise DomainError("relics.cause", "文物损毁或消失时必须填写原因", field="cause")
    return Decision(cause.value in rules.opens_case, (rules.damage_cite,))


def advance_stage(current: LeadStage, target: LeadStage) -> Decision[LeadStage]:
    """Move a record along survey → verification → registration → publication, or refuse.

    Source: 城政发〔2024〕3号 三(一), 四(三).
    """
    rules = census_rules()
    if (current.value, target.value) not in rules.transitions:
        raise DomainError(
            "relics.stage",
            f"不能从「{label_of(current)}」转为「{label_of(target)}」",
            field="stage",
        )
    cites = (
        (rules.leads_cite, rules.publish_cite)
        if target is LeadStage.PUBLISHED
        else (rules.leads_cite,)
    )
    return Decision(target, cites)
