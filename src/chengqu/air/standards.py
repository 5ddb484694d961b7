"""The HJ 633 sub-index tables as typed objects, read from the rule tables and chosen by date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import Any

from chengqu.common.decision import Citation
from chengqu.common.errors import DomainError
from chengqu.rules import dec, load_table

TABLE_NAMES = ("air_hj633_2012", "air_hj633_2026")


class Report(StrEnum):
    """The two reports of HJ 633: the daily report (日报) and the real-time hourly report (实时报)."""

    DAILY = "daily"
    HOURLY = "hourly"


class AboveTop(StrEnum):
    """What a row says for a concentration past its last breakpoint."""

    CAP = "cap"  # past IAQI 500: report 500 and flag it
    SUBSTITUTE = "substitute"  # 2012 notes 2 and 3: report another indicator's sub-index
    FIXED = "fixed"  # 2026 notes b and c: a fixed sub-index


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of the table: a pollutant over an averaging period and its breakpoints."""

    key: str
    pollutant: str
    averaging: str
    unit: str
    breakpoints: tuple[Decimal, ...]
    iaqi: tuple[int, ...]
    above_top: AboveTop
    above_iaqi: int | None
    substitute: str | None
    above_citation: Citation | None

    @property
    def top(self) -> Decimal:
        return self.breakpoints[-1]

    def interpolate(self, concentration: Fraction) -> int:
        """The sub-index of a concentration within the row (0 ≤ c ≤ top), rounded up exactly."""
        points = self.breakpoints
        for i in range(1, len(points)):
            high = Fraction(points[i])
            if concentration <= high:
                low = Fraction(points[i - 1])
                i_low, i_high = self.iaqi[i - 1], self.iaqi[i]
                value = i_low + (i_high - i_low) * (concentration - low) / (high - low)
                return -((-value.numerator) // value.denominator)  # exact ceiling
        raise AssertionError("interpolate() called above the top of the row")


@dataclass(frozen=True, slots=True)
class Category:
    """An AQI level of 表2: its upper bound (inclusive), names, colour and health advice."""

    level: int
    level_name: str
    upper: int
    category: str
    colour: str
    rgb: str
    health: str
    advice: str


@dataclass(frozen=True, slots=True)
class Standard:
    """One version of HJ 633 with everything the engine reads from its rule table."""

    name: str
    table: str
    effective: date
    expires: date | None
    verified: bool
    indicators: dict[str, Indicator]
    reports: dict[Report, dict[str, str]]
    substitutes: dict[str, str]
    categories: tuple[Category, ...]
    pollutant_names: dict[str, str]
    primary_above: int
    exceeding_above: int
    cap_iaqi: int
    min_hours_24h: int
    min_hours_8h: int
    min_windows_o3_8h_max: int
    o3_8h_limit: Decimal
    co_unit_suspect_above: Decimal
    citations: dict[str, Citation]

    def category_of(self, aqi: int) -> Category:
        for category in self.categories:
            if aqi <= category.upper:
                return category
        return self.categories[-1]

    def cite(self, key: str) -> Citation:
        return self.citations[key]


def _citation(
    document: str, entry: dict[str, Any], clause_key: str = "clause", text_key: str = "text"
) -> Citation:
    return Citation(
        document=document, clause=str(entry[clause_key]), text=str(entry.get(text_key, ""))
    )


@cache
def load_standard(table_name: str) -> Standard:
    """The standard held by rule table ``table_name`` (``air_hj633_2012`` or ``air_hj633_2026``)."""
    raw = load_table(table_name)
    doc = raw["document"]
    number = str(doc["number"])
    nodes = tuple(int(dec(v, where="table.iaqi")) for v in raw["table"]["iaqi"])
    indicators: dict[str, Indicator] = {}
    for key, spec in raw["indicator"].items():
        points = tuple(dec(v, where=f"indicator.{key}") for v in spec["breakpoints"])
        if list(points) != sorted(points) or len(set(points)) != len(points):
            raise DomainError("rules.value", f"{table_name} 的 {key} 浓度限值必须严格递增")
        above = AboveTop(spec["above_top"])
        above_citation = None
        if "above_clause" in spec:
            above_citation = Citation(
                number, str(spec["above_clause"]), str(spec.get("above_text", ""))
            )
        above_iaqi: int | None = None
        if above is AboveTop.FIXED:
            above_iaqi = int(dec(spec["above_iaqi"], where=f"{key}.above_iaqi"))
        elif above is AboveTop.SUBSTITUTE:
            above_iaqi = int(
                dec(spec["substitute_missing_iaqi"], where=f"{key}.substitute_missing_iaqi")
            )
        indicators[key] = Indicator(
            key=key,
            pollutant=str(spec["pollutant"]),
            averaging=str(spec["averaging"]),
            unit=str(spec["unit"]),
            breakpoints=points,
            iaqi=nodes[: len(points)],
            above_top=above,
            above_iaqi=above_iaqi,
            substitute=spec.get("substitute"),
            above_citation=above_citation,
        )
    reports = {Report(name): dict(spec["inputs"]) for name, spec in raw["report"].items()}
    categories = tuple(
        Category(
            level=int(c["level"]),
            level_name=str(c["level_name"]),
            upper=int(dec(c["upper"])),
            category=str(c["category"]),
            colour=str(c["colour"]),
            rgb=str(c["rgb"]),
            health=str(c["health"]),
            advice=str(c["advice"]),
        )
        for c in raw["category"]
    )
    validity = raw["validity"]
    citations = {
        "table": _citation(number, raw["table"]),
        "rounding": _citation(number, raw["table"], "rounding_clause", "rounding_text"),
        "above_table": _citation(number, raw["above_table"]),
        "daily": _citation(number, raw["report"]["daily"]),
        "hourly": _citation(number, raw["report"]["hourly"]),
        "primary": _citation(number, raw["primary"]),
        "categories": _citation(number, raw["categories"]),
        "validity": Citation(number, str(validity["clause"]), str(validity["text"])),
        "o3_8h_max": Citation(
            "HJ 663-2013", str(validity["o3_8h_max_clause"]).removeprefix("HJ 663-2013 ")
        ),
    }
    realtime = raw["indicator"]["so2_1h"]
    citations["realtime_only"] = Citation(
        number, str(realtime["realtime_clause"]), str(realtime["realtime_text"])
    )
    return Standard(
        name=number,
        table=table_name,
        effective=doc["effective"],
        expires=doc.get("expires"),
        verified=bool(doc.get("verified", False)),
        indicators=indicators,
        reports=reports,
        substitutes=dict(raw["report"]["hourly"].get("substitutes", {})),
        categories=categories,
        pollutant_names={str(k): str(v) for k, v in raw["pollutant_names"].items()},
        primary_above=int(dec(raw["primary"]["above"])),
        exceeding_above=int(dec(raw["primary"]["exceeding_above"])),
        cap_iaqi=int(dec(raw["above_table"]["iaqi"])),
        min_hours_24h=int(validity["min_hours_24h"]),
        min_hours_8h=int(validity["min_hours_8h"]),
        min_windows_o3_8h_max=int(validity["min_windows_o3_8h_max"]),
        o3_8h_limit=dec(validity["o3_8h_limit"]),
        co_unit_suspect_above=dec(validity["co_unit_suspect_above"]),
        citations=citations,
    )


def all_standards() -> tuple[Standard, ...]:
    """Every HJ 633 version the engine knows, oldest first."""
    return tuple(load_standard(name) for name in TABLE_NAMES)


def standard_for(on: date) -> Standard:
    """The HJ 633 version in force on ``on``: HJ 633-2012 before 2026-03-01, HJ 633—2026 from then.

    Source: HJ 633—2026 (实施日期 2026-03-01, 代替 HJ 633-2012).
    """
    for standard in all_standards():
        if standard.effective <= on and (standard.expires is None or on < standard.expires):
            return standard
    raise DomainError(
        "air.standard_unknown",
        f"{on.isoformat()} 早于 HJ 633-2012 发布日期, 没有可用的空气质量指数技术规定",
        field="date",
    )


def standard_named(name: str) -> Standard:
    """A standard by its number as printed (``HJ 633-2012`` / ``HJ 633—2026``; ``2012``/``2026`` too)."""
    wanted = name.replace("—", "-").replace(" ", "").upper()
    for standard in all_standards():
        number = standard.name.replace("—", "-").replace(" ", "").upper()
        if wanted in (number, number[-4:]):
            return standard
    raise DomainError(
        "air.standard_unknown", f"未知的空气质量指数技术规定: {name}", field="standard"
    )
