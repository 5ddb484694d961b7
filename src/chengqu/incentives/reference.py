"""The reference path of the 开门红 engine: plain, eager and slow, kept as the specification.

``chengqu.incentives.engine`` is the fast path (precomputed tier tables, lazily rendered Chinese
text, a fast fact parser). It must give exactly what this module gives, to the character and the
fen; tests/chengqu/incentives/test_incentives_fastpath.py checks that on generated enterprises.
Nothing in the product calls this module: change a rule here only together with the fast path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chengqu.common import Citation, round_fen
from chengqu.incentives.engine import check_as_of
from chengqu.incentives.facts import ParsedFacts, TravelGroup, parse_facts
from chengqu.incentives.measures import Condition, FactSpec, Measure, Rules, Tier, default_rules

ZERO = Decimal(0)
HUNDRED = Decimal(100)
WAN = Decimal(10000)


@dataclass(frozen=True, slots=True)
class Award:
    """What one measure pays: its tier, the amount in yuan (rounded once to the fen), why, where.

    ``estimate`` is true when the amount is a ceiling that depends on audited costs (measure 10).
    """

    measure: int
    tier: str
    amount: Decimal
    reason: str
    citation: Citation
    one_off: bool
    lead_unit: str
    estimate: bool = False


@dataclass(frozen=True, slots=True)
class Need:
    """A fact the engine still needs before it can decide a measure (never a silent zero)."""

    measure: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A higher tier one condition away: ``shortfall`` (in ``unit``) of ``field`` short of it."""

    measure: int
    tier: str
    field: str
    shortfall: Decimal
    unit: str
    amount: Decimal | None
    message: str


@dataclass(frozen=True, slots=True)
class Guidance:
    """A part of a measure that is no formula: what to do, and the clause."""

    measure: int
    text: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything one enterprise can claim at ``as_of``, with the clauses relied on."""

    as_of: date
    awards: tuple[Award, ...]
    needs: tuple[Need, ...]
    near_misses: tuple[NearMiss, ...]
    guidance: tuple[Guidance, ...]
    total: Decimal
    citations: tuple[Citation, ...]
    notes: tuple[str, ...]


# ------------------------------------------------------------------------------ formatting


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5E+3 → '5000', 2.50 → '2.5'."""
    text = format(number.normalize(), "f")
    return text


def _money_text(amount: Decimal) -> str:
    if amount != 0 and abs(amount) >= WAN:
        return f"{_plain(amount / WAN)}万元"
    return f"{_plain(amount)}元"


def _fact_text(spec: FactSpec, value: object) -> str:
    if spec.kind == "money" and isinstance(value, Decimal):
        return _money_text(value)
    if isinstance(value, Decimal):
        return f"{_plain(value)}{spec.unit}"
    return f"{value}{spec.unit}"


def _award_text(amount: Decimal) -> str:
    return _money_text(amount) if amount % 1 == 0 else f"{round_fen(amount)}元"


# ------------------------------------------------------------------------------ measures

_Outcome = tuple[Award | None, list[NearMiss], list[str]]


def _qualifies(tier: Tier, values: Mapping[str, Any]) -> bool:
    # A plain loop: this is the hot path of a 100,000-row batch and all() over a genexpr is slower.
    for fact, op, threshold in tier.checks:  # noqa: SIM110
        if not op(values[fact], threshold):
            return False
    return True


def _shortfall(condition: Condition, value: Decimal | int, integral: bool) -> Decimal:
    gap = condition.threshold - value
    if condition.strict and integral:
        gap += 1
    return Decimal(gap)


def _near_misses(
    measure: Measure, values: Mapping[str, Any], above: Decimal, rules: Rules
) -> list[NearMiss]:
    """Per fact, the nearest higher tier that a single unmet lower bound keeps out of reach."""
    nearest: dict[str, tuple[Decimal, Tier, Condition, bool]] = {}
    for tier in measure.tiers:
        if tier.amount is not None and tier.amount <= above:
            continue
        missed: Condition | None = None
        for condition in tier.conditions:
            if not condition.op(values[condition.fact], condition.threshold):
                if missed is not None:
                    missed = None
                    break
                missed = condition
        else:
            if missed is None or not missed.is_lower_bound:
                continue
            value = values[missed.fact]
            integral = isinstance(value, int)
            gap = _shortfall(missed, value, integral)
            known = nearest.get(missed.fact)
            if known is None or gap < known[0]:
                nearest[missed.fact] = (gap, tier, missed, integral)
    return [
        _near_miss(measure, gap, tier, c, integral, rules)
        for gap, tier, c, integral in nearest.values()
    ]


def _near_miss(
    measure: Measure, gap: Decimal, tier: Tier, condition: Condition, integral: bool, rules: Rules
) -> NearMiss:
    spec = rules.facts.get(condition.fact)
    label = spec.short_label if spec else condition.fact
    if spec is not None and spec.kind == "money":
        unit, shown = "元", _money_text(gap)
    elif spec is not None and spec.kind == "percent":
        unit, shown = "个百分点", f"{_plain(gap)}个百分点"
    else:
        unit = spec.unit if spec else condition.unit
        shown = f"{_plain(gap)}{unit}"
    need = "需超过" if condition.strict and not integral else ""
    prize = f"(奖励{_award_text(tier.amount)})" if tier.amount is not None else ""
    return NearMiss(
        measure=measure.number,
        tier=tier.name,
        field=condition.fact,
        shortfall=gap,
        unit=unit,
        amount=tier.amount,
        message=f"第{measure.number}条: {label}差{shown}{need}达到下一档“{tier.name}”{prize}",
    )


def _facts_text(measure: Measure, values: Mapping[str, Any], rules: Rules) -> str:
    parts = []
    for fact in measure.facts:
        spec = rules.facts[fact]
        parts.append(f"{spec.short_label}{_fact_text(spec, values[fact])}")
    return "、".join(parts)


def _tiers(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    best: Tier | None = None
    for tier in measure.tiers:
        if _qualifies(tier, values) and (
            best is None or (tier.amount or ZERO) > (best.amount or ZERO)
        ):
            best = tier
    award = None
    paid = ZERO
    if best is not None and best.amount is not None:
        paid = best.amount
        once = "一次性" if measure.one_off else ""
        award = Award(
            measure=measure.number,
            tier=best.name,
            amount=round_fen(best.amount),
            reason=f"{_facts_text(measure, values, rules)}, 符合“{best.text}”, {once}奖励{_award_text(best.amount)}",
            citation=measure.tier_citation(best),
            one_off=measure.one_off,
            lead_unit=measure.lead_unit,
        )
    return award, _near_misses(measure, values, paid, rules), []


def _rate(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    assert measure.rate is not None
    assert measure.cap is not None
    tier = measure.tiers[0]
    if not _qualifies(tier, values):
        return None, _near_misses(measure, values, ZERO, rules), []
    base: Decimal = values[measure.facts[0]]
    raw = base * measure.rate
    capped = raw > measure.cap
    amount = measure.cap if capped else raw
    reason = f"{_facts_text(measure, values, rules)}, 符合“{tier.text}”, 按{measure.rate_text}计{_plain(round_fen(raw))}元"
    if capped:
        reason += f", {measure.cap_text}, 奖励{_award_text(measure.cap)}"
    else:
        reason += f", 奖励{round_fen(amount)}元"
    award = Award(
        measure=measure.number,
        tier=tier.name,
        amount=round_fen(amount),
        reason=reason,
        citation=measure.tier_citation(tier),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
    )
    return award, [], []


def _cost_subsidy(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    assert measure.cap is not None
    tier = measure.tiers[0]
    if not _qualifies(tier, values):
        return None, _near_misses(measure, values, ZERO, rules), []
    costs: Decimal = values[measure.cost_fact]
    amount = min(costs, measure.cap)
    thresholds = "、".join(
        f"{rules.facts[f].short_label}{_fact_text(rules.facts[f], values[f])}"
        for f in measure.facts
        if f != measure.cost_fact
    )
    reason = (
        f"{thresholds}, 达到“{tier.text}”; 实际费用{_money_text(costs)}, {measure.cap_text}, "
        f"补贴至多{round_fen(amount)}元(按审核后的实际费用确定)"
    )
    award = Award(
        measure=measure.number,
        tier=tier.name,
        amount=round_fen(amount),
        reason=reason,
        citation=measure.tier_citation(tier),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
        estimate=True,
    )
    return award, [], []


def _per_store(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    areas: tuple[Decimal, ...] = values[measure.facts[0]]
    total = ZERO
    lines = []
    for index, area in enumerate(areas, start=1):
        point = {"store_area": area}
        best: Tier | None = None
        for tier in measure.tiers:
            if _qualifies(tier, point) and (
                best is None or (tier.amount or ZERO) > (best.amount or ZERO)
            ):
                best = tier
        if best is not None and best.amount is not None:
            total += best.amount
            lines.append(f"门店{index} {_plain(area)}m²: {best.name}, {_award_text(best.amount)}")
    if not lines:
        return None, [], ["第11条: 未列出新增门店"] if not areas else []
    award = Award(
        measure=measure.number,
        tier=f"{len(lines)}家新增门店",
        amount=round_fen(total),
        reason="; ".join(lines) + f"; 合计奖励{_award_text(total)}",
        citation=measure.citation,
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
    )
    return award, [], []


def _group_counts(measure: Measure, group: TravelGroup) -> str | None:
    """Why a tour group does not count, or None when it counts."""
    point = {"guests": group.guests, "scenic_spots": group.scenic_spots, "nights": group.nights}
    for condition in measure.group_conditions:
        if not condition.holds(point[condition.fact]):
            return f"{condition.note or condition.describe()}不满足"
    if not group.district_hotel:
        return "未入住城区酒店"
    return None


def _travel(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    assert measure.per_night is not None
    assert measure.per_stay_cap is not None
    assert measure.cap is not None
    groups: tuple[TravelGroup, ...] = values[measure.facts[0]]
    counted_guests = 0
    raw = ZERO
    notes = []
    for index, group in enumerate(groups, start=1):
        why_not = _group_counts(measure, group)
        if why_not is not None:
            notes.append(f"第15条: 团队{index}不计入({why_not})")
            continue
        counted_guests += group.guests
        per_guest = min(measure.per_night * group.nights, measure.per_stay_cap)
        raw += per_guest * group.guests
    point = {"counted_guests": counted_guests}
    tier = measure.tiers[0]
    if not _qualifies(tier, point):
        return None, _near_misses(measure, point, ZERO, rules), notes
    capped = raw > measure.cap
    amount = measure.cap if capped else raw
    reason = (
        f"符合条件的团队累计接待{counted_guests}人次, 符合“{tier.text}”; 每人每晚{_plain(measure.per_night)}元、"
        f"{measure.per_stay_cap_text}, 计{_plain(raw)}元"
    )
    reason += (
        f", {measure.cap_text}, 奖励{_award_text(measure.cap)}"
        if capped
        else f", 奖励{_award_text(raw)}"
    )
    award = Award(
        measure=measure.number,
        tier=tier.name,
        amount=round_fen(amount),
        reason=reason,
        citation=measure.tier_citation(tier),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
    )
    return award, [], notes


_KINDS = {
    "tiers": _tiers,
    "rate": _rate,
    "cost_subsidy": _cost_subsidy,
    "per_store": _per_store,
    "travel": _travel,
}


# ------------------------------------------------------------------------------ evaluate


def _result_amount(outcome: _Outcome) -> Decimal:
    award = outcome[0]
    return award.amount if award is not None else ZERO


def _outcome_text(outcome: _Outcome) -> str:
    award = outcome[0]
    return f"奖励{award.amount}元" if award is not None else "无奖励"


def _evaluate_parsed(parsed: ParsedFacts, as_of: date, rules: Rules) -> Evaluation:
    values = parsed.values
    awards: list[Award] = []
    needs: list[Need] = []
    misses: list[NearMiss] = []
    notes: list[str] = []
    guidance: list[Guidance] = []
    specs = rules.facts
    touched = {specs[name].measure for name in values}
    for measure in rules.measures:
        # Only measures with at least one fact given are assessed (guidance measures have none).
        if measure.number not in touched:
            continue
        if measure.guidance:
            guidance.append(Guidance(measure.number, measure.guidance, measure.citation))
        missing = [f for f in measure.facts if f not in values]
        if missing:
            for fact in missing:
                spec = rules.facts[fact]
                needs.append(
                    Need(
                        measure.number,
                        fact,
                        f"第{measure.number}条“{measure.title}”还需要: {spec.label}({fact})",
                    )
                )
            continue
        evaluate_measure = _KINDS[measure.kind]
        outcome = evaluate_measure(measure, values, rules)
        unclear = [f for f in measure.facts if f in parsed.unclear_percent]
        if unclear:
            scaled = dict(values)
            for fact in unclear:
                scaled[fact] = values[fact] * HUNDRED  # type: ignore[operator]
            other = evaluate_measure(measure, scaled, rules)
            shown = "、".join(
                f"{rules.facts[f].short_label}({f})={_plain(values[f])}"  # type: ignore[arg-type]
                for f in unclear
            )
            as_pct = "、".join(f"{_plain(values[f])}%" for f in unclear)  # type: ignore[arg-type]
            as_frac = "、".join(f"{_plain(scaled[f])}%" for f in unclear)  # type: ignore[arg-type]
            if _result_amount(outcome) != _result_amount(other):
                needs.extend(
                    Need(
                        measure.number,
                        fact,
                        f"第{measure.number}条: {shown} 单位不明: 按百分数即{as_pct}时{_outcome_text(outcome)}, "
                        f'若为小数即{as_frac}时{_outcome_text(other)}; 请确认并以百分数填写(如 25 或 "25%" 表示 25%)',
                    )
                    for fact in unclear
                )
                continue
            notes.append(
                f"第{measure.number}条: {shown} 按百分数即{as_pct}理解; 若指{as_frac}, 结果相同"
            )
        award, near, extra = outcome
        if award is not None:
            awards.append(award)
            if measure.assumes:
                notes.append(measure.assumes_note)
        misses.extend(near)
        notes.extend(extra)
        if as_of < measure.window.end:
            notes.append(
                f"第{measure.number}条 统计期“{measure.window.label}”至{measure.window.end.isoformat()}尚未结束, "
                "结果为按现有数据的预估"
            )
    total = sum((a.amount for a in awards), ZERO)
    citations = [a.citation for a in awards]
    if len(awards) > 1:
        citations.append(rules.stacking)
        notes.append(
            f"符合多项奖励条件, 按{rules.document}末段“符合多项奖励条件的分别进行申报”分别申报"
        )
    return Evaluation(
        as_of=as_of,
        awards=tuple(awards),
        needs=tuple(needs),
        near_misses=tuple(misses),
        guidance=tuple(guidance),
        total=total,
        citations=tuple(citations),
        notes=tuple(notes),
    )


def evaluate(facts: Mapping[str, object], as_of: date, *, rules: Rules | None = None) -> Evaluation:
    """What an enterprise can claim under the sixteen measures, given its facts at ``as_of``.

    Facts are named as in issue 7 §2 (amounts in yuan, growth in percent, areas in m²); a measure
    is assessed when at least one of its facts is given, and a measure missing some of its facts
    lists them in ``needs`` instead of paying nothing. Raises DomainError naming the bad field.

    Source: 城政办发〔2024〕5号 1–16 and closing paragraph
    """
    rules = rules or default_rules()
    check_as_of(as_of, rules)
    return _evaluate_parsed(parse_facts(facts, rules), as_of, rules)


# ------------------------------------------------------------------------------ JSON


def _citation_dict(citation: Citation) -> dict[str, str]:
    return {"document": citation.document, "clause": citation.clause, "text": citation.text}


def evaluation_to_dict(
    evaluation: Evaluation, id: str | None = None, *, detail: bool = False
) -> dict[str, Any]:
    """One enterprise's result in the CLI's shape; ``detail`` adds guidance, notes and lead units."""
    awards = []
    for award in evaluation.awards:
        item: dict[str, Any] = {
            "measure": award.measure,
            "tier": award.tier,
            "amount": f"{award.amount:.2f}",
            "reason": award.reason,
            "citation": _citation_dict(award.citation),
        }
        if detail:
            item.update(lead_unit=award.lead_unit, one_off=award.one_off, estimate=award.estimate)
        awards.append(item)
    result: dict[str, Any] = {
        "id": id,
        "awards": awards,
        "total": f"{round_fen(evaluation.total):.2f}",
        "needs": [
            {"measure": n.measure, "field": n.field, "message": n.message} for n in evaluation.needs
        ],
        "near_misses": [
            {
                "measure": m.measure,
                "tier": m.tier,
                "field": m.field,
                "shortfall": _plain(m.shortfall),
                "unit": m.unit,
                "message": m.message,
            }
            for m in evaluation.near_misses
        ],
    }
    if detail:
        result["guidance"] = [
            {"measure": g.measure, "text": g.text, "citation": _citation_dict(g.citation)}
            for g in evaluation.guidance
        ]
        result["notes"] = list(evaluation.notes)
    return result
