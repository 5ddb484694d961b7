"""Warning and response levels, who declares them, the HQ's part by event grade, and termination."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from chengqu.command.clocks import normalise_level
from chengqu.common import Citation, Decision, DomainError, Reading, local_date
from chengqu.rules import dec, load_table

TABLE = "command_levels"
NOTICE = "城政办发〔2024〕8号"


class Fact(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Impact(StrEnum):
    SMALL = "small"
    LARGE = "large"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class WaterResponse:
    """饮用水水源地: warning colour ("" if none or undecided), response level ("" if none), request for Ⅰ."""

    warning: str
    response: str
    request_level_one: bool


def _table() -> dict[str, Any]:
    return load_table(TABLE)


def classify_water(
    entered_zone: bool | None, impact: str | None = None, *, in_area: bool = True
) -> Decision[WaterResponse]:
    """Warning (3.4) and response (5.1) for a drinking-water-source incident from the two facts.

    ``entered_zone``: has the pollutant entered the protection zone (None: not yet known);
    ``impact``: the experts' judgement of the effect on the intake, "small" / "large" (None: not yet
    judged); ``in_area``: has the pollutant reached the plan's area (1.6).
    Source: 城政办发〔2024〕7号 3.4, 5.1.
    """
    facts = {
        "entered_zone": Fact.UNKNOWN
        if entered_zone is None
        else (Fact.YES if entered_zone else Fact.NO),
        "impact": Impact(impact) if impact else Impact.UNKNOWN,
        "in_area": Fact.YES if in_area or entered_zone else Fact.NO,
    }
    for rule in _table()["water_rule"]:
        if all(str(facts[name]) == str(value) for name, value in rule["match"].items()):
            citation = Citation(str(rule["document"]), str(rule["clause"]), str(rule["text"]))
            notes = (str(rule["note"]),) if rule.get("note") else ()
            result = WaterResponse(
                str(rule["warning"]), str(rule["response"]), bool(rule["request_level_one"])
            )
            return Decision(result, (citation,), notes)
    raise DomainError(
        "command.levels_invalid", f"水源地分级规则未覆盖: {facts}"
    )  # pragma: no cover


@dataclass(frozen=True, slots=True)
class TerminationCheck:
    """Whether a response may end: the conditions still missing and who orders the end."""

    allowed: bool
    missing: tuple[str, ...]
    ordered_by: str


def water_termination(met: Iterable[int], *, started_by: str) -> Decision[TerminationCheck]:
    """Whether the water-source response may end: all four conditions of 5.3.1 (numbered 1–4)
    must be checked; the HQ that started it orders the end (谁启动、谁终止), after expert review.

    Source: 城政办发〔2024〕7号 5.3.1, 5.3.2.
    """
    entry = _table()["water_termination"]
    conditions = [str(c) for c in entry["conditions"]]
    checked = set(met)
    stray = sorted(checked - set(range(1, len(conditions) + 1)))
    if stray:
        raise DomainError(
            "command.termination_invalid", f"响应终止条件编号无效: {stray}", field="met"
        )
    if not started_by.strip():
        raise DomainError(
            "command.termination_invalid",
            "须写明启动响应的指挥机构(谁启动、谁终止)",
            field="started_by",
        )
    missing = tuple(c for i, c in enumerate(conditions, 1) if i not in checked)
    document = str(entry["document"])
    citations = (
        Citation(document, str(entry["clause"]), "符合下列条件的,即满足响应终止条件"),
        Citation(document, str(entry["procedure_clause"]), str(entry["procedure"])),
    )
    notes = ("须经有关专家分析论证后下达终止命令",) if not missing else ()
    return Decision(TerminationCheck(not missing, missing, started_by.strip()), citations, notes)


@dataclass(frozen=True, slots=True)
class AnimalLevel:
    """A response level of the animal-epidemic plan and who declares it."""

    level: str
    declarer: str
    reports_to: str
    conditions: tuple[str, ...]
    citation: Citation


def animal_levels() -> tuple[AnimalLevel, ...]:
    """Ⅲ / Ⅱ / Ⅰ with their declarers; conditions are configurable (附件4 is not in the gazette).

    Source: 城政办发〔2024〕2号 4.2, 4.2.1–4.2.3.
    """
    table = _table()
    document = str(table["animal"]["document"])
    return tuple(
        AnimalLevel(
            level=str(e["level"]),
            declarer=str(e["declarer"]),
            reports_to=str(e["reports_to"]),
            conditions=tuple(str(c) for c in e["conditions"]),
            citation=Citation(str(e.get("document", document)), str(e["clause"]), str(e["text"])),
        )
        for e in table["animal_level"]
    )


def declare_animal_response(level: str) -> Decision[AnimalLevel]:
    """Who declares an animal-epidemic response of ``level`` and to whom it is reported first.

    Source: 城政办发〔2024〕2号 4.2.1–4.2.3.
    """
    wanted = normalise_level(level)
    for found in animal_levels():
        if found.level == wanted:
            animal = _table()["animal"]
            notes = () if found.conditions else (str(animal["conditions_note"]),)
            return Decision(found, (found.citation,), notes)
    raise DomainError(
        "command.level_invalid", f"突发重大动物疫情无{wanted}级响应(仅Ⅰ、Ⅱ、Ⅲ级)", field="level"
    )


@dataclass(frozen=True, slots=True)
class Incubation:
    disease: str
    days: int
    source: str
    verified: bool = False
    checked: str = ""


def incubation_table() -> tuple[Incubation, ...]:
    """Every listed disease with its period, source and whether the figure was verified there."""
    return tuple(incubation_period(str(e["disease"])) for e in _table()["incubation"])


def incubation_period(disease: str) -> Incubation:
    """The longest incubation period of a listed disease (by Chinese name or alias)."""
    wanted = disease.strip().casefold()
    for entry in _table()["incubation"]:
        names = [str(entry["disease"]), *(str(a) for a in entry.get("aliases", []))]
        if wanted in {n.casefold() for n in names}:
            return Incubation(
                str(entry["disease"]),
                int(dec(entry["days"], where=str(entry["disease"]))),
                str(entry["source"]),
                bool(entry.get("verified", False)),
                str(entry.get("checked", "")),
            )
    raise DomainError(
        "command.incubation_unknown",
        f"未收录“{disease}”的最长潜伏期, 请手工填写天数及其依据",
        field="disease",
    )


def earliest_animal_end(
    last_case: date | datetime, *, disease: str | None = None, incubation_days: int | None = None
) -> Decision[date]:
    """The first day the animal-epidemic response may be declared ended: one longest incubation
    period with no new case after the last case (the last case's day not counted, 民法典 第201条),
    i.e. last case day + period + 1.

    Give ``disease`` (looked up in the table) or ``incubation_days`` (entered by hand with its source).
    Source: 城政办发〔2024〕2号 4.5.
    """
    day = local_date(last_case) if isinstance(last_case, datetime) else last_case
    notes: list[str] = []
    if incubation_days is not None:
        if incubation_days < 1:
            raise DomainError(
                "command.incubation_invalid", "潜伏期天数必须为正整数", field="incubation_days"
            )
        days = incubation_days
        notes.append(f"潜伏期按手工填写的{days}天计算")
        source = ""
    elif disease:
        found = incubation_period(disease)
        days, source = found.days, found.source
        notes.append(f"{found.disease}最长潜伏期{days}天 ({source})")
        if not found.verified:
            notes.append(
                f"{found.disease}的潜伏期未能在所引WOAH条文中核实(未核实), 请按现行版本核对或手工填写"
            )
    else:
        raise DomainError(
            "command.incubation_missing", "须给出病种或最长潜伏期天数", field="disease"
        )
    entry = _table()["animal_termination"]
    citations = [Citation(str(entry["document"]), str(entry["clause"]), str(entry["text"]))]
    if source:
        citations.append(Citation(source, "incubation period"))
    citations.append(
        Citation(
            "中华人民共和国民法典",
            "art_201",
            "按照年、月、日计算期间的,开始的当日不计入,自下一日开始计算。",
        )
    )
    notes.append("须由启动应急响应的指挥部宣布结束; 期间内出现新病例则自新病例重新计算")
    return Decision(day + timedelta(days=days + 1), tuple(citations), tuple(notes))


class Part(StrEnum):
    COMMAND = "组织指挥应急处置"
    INITIAL = "先期处置"


def grades() -> tuple[str, ...]:
    return tuple(str(g) for g in _table()["grades"]["order"])


def hq_part(hq: str, grade: str) -> Decision[Part]:
    """The specialised HQ's part for an event of ``grade``: it commands a 一般 event and does only
    the 先期处置 of a 较大 one and above ("较大及其以上": 以上 includes 较大).

    Source: 城政办发〔2024〕8号 二(一)–(十七) 2.
    """
    order = grades()
    if grade not in order:
        raise DomainError(
            "command.grade_invalid", f"事件级别应为{'、'.join(order)}之一: {grade}", field="grade"
        )
    for entry in _table()["hq_scope"]:
        if str(entry["hq"]) != hq:
            continue
        citation = Citation(
            str(entry.get("document", NOTICE)), str(entry["clause"]), str(entry["text"])
        )
        threshold = str(entry["initial_from"])
        if not threshold:
            return Decision(
                Part.COMMAND, (citation,), ("职责未区分事件级别: 各级均由本指挥部组织指挥",)
            )
        reading = Reading.from_word(str(entry["reading"]))
        if reading.holds(order.index(grade), order.index(threshold)):
            return Decision(
                Part.INITIAL,
                (citation,),
                ("较大及以上级别由上级指挥机构组织处置, 本级做好先期处置",),
            )
        return Decision(Part.COMMAND, (citation,))
    raise DomainError("command.hq_unknown", f"未找到专项指挥部的职责范围: {hq}", field="hq")


def assessment_items(plan: str) -> Decision[tuple[str, ...]]:
    """What the after-incident assessment/investigation report must contain.

    Source: 城政办发〔2024〕2号 5.1; 城政办发〔2024〕7号 6.2.
    """
    keys = {"plan_animal_epidemic": "animal_assessment", "plan_water_source": "water_assessment"}
    if plan not in keys:
        raise DomainError(
            "command.plan_unknown", f"未收录该预案的评估报告内容: {plan}", field="plan"
        )
    entry = _table()[keys[plan]]
    items = tuple(str(i) for i in entry["items"])
    return Decision(items, (Citation(str(entry["document"]), str(entry["clause"])),))
