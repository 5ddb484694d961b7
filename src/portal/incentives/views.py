"""Public calculators: what an enterprise can claim under the sixteen measures, and the farmland fee.

No login: these are the 政策计算器 the public uses. Nothing is stored; every amount is shown with
the clause it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chengqu.common import DomainError, clock
from chengqu.incentives import default_rules, evaluate, guidance, quote_farmland_fee, standard_rates
from chengqu.incentives.measures import Measure
from portal.incentives import selectors

TRAVEL_HELP = "每行一个团队: 人数,入住晚数,游览A级收费景区数,是否入住城区酒店(是/否)"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str
    value: str


def default_as_of() -> tuple[date, str | None]:
    """Today, or the close date in force (with a notice saying so) once the claim period is over."""
    window = selectors.claims_window()
    today = clock.today()
    if today > window.close:
        return window.close, (
            f"本政策的申报期已于 {window.close.isoformat()} 截止(依据: {window.source}), 以下按截止日测算, 仅供参考。"
        )
    return max(today, window.open), None


def travel_groups_from_text(text: str) -> list[dict[str, Any]]:
    groups = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not any(parts):
            continue
        if len(parts) != 4:
            raise DomainError(
                "incentives.travel",
                f"旅游团队第 {number} 行应有 4 项: {TRAVEL_HELP}",
                field="travel_groups",
            )
        guests, nights, spots, hotel = parts
        groups.append(
            {
                "guests": guests,
                "nights": nights,
                "scenic_spots": spots,
                "district_hotel": hotel in {"是", "y", "yes", "1", "true"},
            }
        )
    return groups


def calculator(request: HttpRequest) -> HttpResponse:
    rules = default_rules()
    source = request.POST if request.method == "POST" else request.GET
    as_of, notice = default_as_of()
    if source.get("as_of"):
        try:
            as_of = date.fromisoformat(source["as_of"])
            notice = None
        except ValueError:
            notice = "测算日期格式应为 YYYY-MM-DD, 已改用默认日期。"
    facts: dict[str, Any] = {}
    for name, spec in rules.facts.items():
        raw = source.get(name, "").strip()
        if not raw:
            continue
        facts[name] = travel_groups_from_text(raw) if spec.kind == "travel_groups" else raw
    result = error = None
    if facts:
        try:
            result = evaluate(facts, as_of, rules=selectors.effective_rules())
        except DomainError as exc:
            error = exc
    sections = [_section(m, rules.facts, source) for m in rules.measures]
    return render(
        request,
        "incentives/calculator.html",
        {
            "rules": rules,
            "sections": sections,
            "as_of": as_of,
            "notice": notice,
            "result": result,
            "error": error,
            "guidance": guidance(rules),
            "travel_help": TRAVEL_HELP,
        },
    )


def _section(measure: Measure, specs: Any, source: Any) -> dict[str, Any]:
    fields = [
        Field(name, specs[name].label, specs[name].kind, source.get(name, ""))
        for name in measure.facts
        if name in specs
    ]
    return {"measure": measure, "fields": fields}


def farmland_fee(request: HttpRequest) -> HttpResponse:
    source = request.GET
    decision = error = None
    if source.get("grade"):
        try:
            grade = int(source["grade"])
        except ValueError:
            error = DomainError(
                "incentives.grade", "耕地质量等别应为 7 至 12 的整数", field="grade"
            )
        else:
            try:
                decision = quote_farmland_fee(
                    grade=grade,
                    area_mu=source.get("area_mu") or None,
                    area_m2=source.get("area_m2") or None,
                    trade_price=source.get("trade_price") or None,
                    self_reclaimed=bool(source.get("self_reclaimed")),
                    on=date.fromisoformat(source["on"]) if source.get("on") else clock.today(),
                )
            except DomainError as exc:
                error = exc
            except ValueError:
                error = DomainError("incentives.date", "日期格式应为 YYYY-MM-DD", field="on")
    return render(
        request,
        "incentives/farmland_fee.html",
        {
            "decision": decision,
            "error": error,
            "query": source,
            "rates": standard_rates(),
            "today": clock.today(),
        },
    )
