"""The reference path of the 开门红 engine: plain, eager and slow, kept as the specification.

``chengqu.incentives.engine`` is the fast path (precomputed tier tables, lazily rendered Chinese
text, a fast fact parser). It must give exactly what this module gives, to the character and the
fen; tests/chengqu/incentives/test_incentives_fastpath.py checks that on generated enterprises.

An independent oracle: it shares with the engine only the rule tables (the TOML data as
chengqu.incentives.measures loads it: thresholds, comparison words, amounts, texts) and the
common types (Citation, DomainError, round_fen). It parses the facts, checks the evaluation
date, reads each comparison word and writes every sentence itself, so a mistake in the engine
cannot pass here too. Nothing in the product calls this module: change a rule here only
together with the fast path.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from chengqu.common import Citation, DomainError, round_fen
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


# ------------------------------------------------------------------------------ date


def check_as_of(as_of: object, rules: Rules) -> date:
    """The evaluation date, refused when it is not a date or falls outside the claim period.

    Source: 城政办发〔2024〕5号 closing paragraph (validity), claim close assumed in the rule table
    """
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise DomainError("incentives.as_of", "评估日期(as_of)必须是日期", field="as_of")
    if as_of < rules.claims_open:
        raise DomainError(
            "incentives.not_in_force",
            f"评估日期(as_of) {as_of.isoformat()} 早于{rules.document}的施行日期 "
            f"{rules.claims_open.isoformat()}",
            field="as_of",
        )
    if as_of > rules.claims_close:
        assumed = "(假定, 可配置)" if rules.claims_close_assumed else ""
        raise DomainError(
            "incentives.expired",
            f"评估日期(as_of) {as_of.isoformat()} 晚于申报截止日 "
            f"{rules.claims_close.isoformat()}{assumed}; "
            f"{rules.document} 有效期至 {rules.expires.isoformat()}",
            field="as_of",
        )
    return as_of


# ------------------------------------------------------------------------------ facts


class _TourGroup(NamedTuple):
    """One tour group as measure 15 counts it."""

    guests: int
    nights: int
    scenic_spots: int
    district_hotel: bool


_GROUP_KEYS = ("guests", "nights", "scenic_spots", "district_hotel")
_TRUE = frozenset({"true", "是", "yes", "y", "1"})
_FALSE = frozenset({"false", "否", "no", "n", "0"})
_NOT_FACTS = frozenset({"id", "name", "名称"})  # fields a row may carry that are no facts


def _refused(code: str, name: str, label: str, message: str) -> DomainError:
    return DomainError(code, f"{label}({name}){message}", field=name)


def _number(value: object, name: str, label: str) -> Decimal:
    """A finite Decimal from a Decimal, an int or a text (thousands separators allowed)."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise _refused("incentives.type", name, label, "应为数值, 不能是真假值")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        raise _refused(
            "incentives.float",
            name,
            label,
            '不能用浮点数给出, 请用十进制字符串或 Decimal (如 "1234.50")',
        )
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise _refused("incentives.number", name, label, f"不是有效数值: {value!r}") from None
    else:
        raise _refused("incentives.type", name, label, f"类型不正确: {type(value).__name__}")
    if not number.is_finite():
        raise _refused("incentives.number", name, label, f"必须是有限数: {value!r}")
    return number


def _not_negative(value: object, name: str, label: str) -> Decimal:
    number = _number(value, name, label)
    if number < 0:
        raise _refused("incentives.negative", name, label, f"不能为负数: {number}")
    return number


def _whole(value: object, name: str, label: str) -> int:
    number = _not_negative(value, name, label)
    if number != number.to_integral_value():
        raise _refused("incentives.integer", name, label, f"应为整数: {number}")
    return int(number)


def _yes_no(value: object, name: str, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    raise _refused("incentives.bool", name, label, f"应为是/否: {value!r}")


def _growth(value: object, name: str, label: str) -> tuple[Decimal, bool]:
    """(percent, whether its unit is unclear): "25%" is percent; so is a bare 25, but a bare
    number strictly between -1 and 1 (not 0) might be a fraction (0.25 for 25%)."""
    explicit = isinstance(value, str) and value.strip().endswith(("%", "％"))
    if explicit:
        value = str(value).strip()[:-1]
    number = _number(value, name, label)
    if number < -HUNDRED:
        raise _refused("incentives.growth", name, label, f"增速不能低于-100%: {number}")
    return number, not explicit and number != 0 and -1 < number < 1


def _areas(value: object, name: str, label: str) -> tuple[Decimal, ...]:
    """Store areas: a list, or a text with one area per store separated by ; (or ；)."""
    if isinstance(value, str):
        items: list[object] = [p for p in value.replace("；", ";").split(";") if p.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _refused("incentives.type", name, label, "应为面积列表(多个门店用;分隔)")
    areas = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        area = _not_negative(item, where, label)
        if area == 0:
            raise _refused("incentives.area", where, label, "营业面积必须大于0")
        areas.append(area)
    return tuple(areas)


def _tour_groups(value: object, name: str, label: str) -> tuple[_TourGroup, ...]:
    if not isinstance(value, list | tuple):
        raise _refused(
            "incentives.type",
            name,
            label,
            "应为团队列表, 每个团队含 guests、nights、scenic_spots、district_hotel",
        )
    groups = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            raise _refused(
                "incentives.type",
                where,
                label,
                "应为含 guests、nights、scenic_spots、district_hotel 的对象",
            )
        unknown = sorted(set(item) - set(_GROUP_KEYS))
        if unknown:
            raise _refused("incentives.unknown_field", f"{where}.{unknown[0]}", label, "是未知字段")
        for key in _GROUP_KEYS:
            if item.get(key) is None:
                raise _refused("incentives.missing", f"{where}.{key}", label, "缺少此项")
        groups.append(
            _TourGroup(
                _whole(item["guests"], f"{where}.guests", "团队人数"),
                _whole(item["nights"], f"{where}.nights", "入住晚数"),
                _whole(item["scenic_spots"], f"{where}.scenic_spots", "游览A级收费景区数"),
                _yes_no(item["district_hotel"], f"{where}.district_hotel", "是否入住城区酒店"),
            )
        )
    return tuple(groups)


def parse(facts: Mapping[str, object], rules: Rules) -> tuple[dict[str, Any], set[str]]:
    """The facts typed by their kind (a blank one is absent), and the growth facts whose unit
    is unclear; raises DomainError naming the first bad field.

    Source: 城政办发〔2024〕5号 (fact names: docs, issue 7 §2)
    """
    values: dict[str, Any] = {}
    unclear: set[str] = set()
    for name, raw in facts.items():
        spec = rules.facts.get(name)
        if spec is None:
            if name in _NOT_FACTS:
                continue
            close = difflib.get_close_matches(str(name), list(rules.facts), n=1)
            hint = f", 是否应为 {close[0]}?" if close else ""
            raise DomainError("incentives.unknown_field", f"未知字段: {name}{hint}", field=name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if spec.kind in {"money", "area"}:
            values[name] = _not_negative(raw, name, spec.label)
        elif spec.kind == "percent":
            values[name], is_unclear = _growth(raw, name, spec.label)
            if is_unclear:
                unclear.add(name)
        elif spec.kind == "count":
            values[name] = _whole(raw, name, spec.label)
        elif spec.kind == "area_list":
            values[name] = _areas(raw, name, spec.label)
        else:
            values[name] = _tour_groups(raw, name, spec.label)
    return values, unclear


# ------------------------------------------------------------------------------ comparisons
#
# The gazette's comparison words, read as the rule table's header says (民法典 第1259条):
# 以上, 以下, 以内 and 达到 (written 达 or 满) include the number; 超过 (超), 不满, 不足, 高于
# and 低于 exclude it. Read here from each condition's word, not from the comparison the
# table loader derives for the engine.
_WORDS: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {  # word: (comparison, lower bound)
    "以上": (operator.ge, True),
    "达到": (operator.ge, True),
    "超过": (operator.gt, True),
    "高于": (operator.gt, True),
    "以下": (operator.le, False),
    "以内": (operator.le, False),
    "不满": (operator.lt, False),
    "不足": (operator.lt, False),
    "低于": (operator.lt, False),
}


def _holds(condition: Condition, value: Decimal | int) -> bool:
    return _WORDS[condition.reading.word][0](value, condition.threshold)


def _is_lower_bound(condition: Condition) -> bool:
    return _WORDS[condition.reading.word][1]


def _excludes(condition: Condition) -> bool:
    """Whether the number itself fails the condition (超过, 不满...)."""
    return _WORDS[condition.reading.word][0] in (operator.gt, operator.lt)


def _qualifies(tier: Tier, values: Mapping[str, Any]) -> bool:
    for condition in tier.conditions:  # noqa: SIM110 (plain)
        if not _holds(condition, values[condition.fact]):
            return False
    return True


def _best(tiers: tuple[Tier, ...], values: Mapping[str, Any]) -> Tier | None:
    """The qualifying tier paying most (the first of equals): a measure pays one tier, once."""
    best: Tier | None = None
    for tier in tiers:
        if _qualifies(tier, values) and (
            best is None or (tier.amount or ZERO) > (best.amount or ZERO)
        ):
            best = tier
    return best


# ------------------------------------------------------------------------------ formatting


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5E+3 → '5000', 2.50 → '2.5'."""
    return format(number.normalize(), "f")


def _money_text(amount: Decimal) -> str:
    if amount != 0 and abs(amount) >= WAN:
        return f"{_plain(amount / WAN)}万元"
    return f"{_plain(amount)}元"


def _label(spec: FactSpec) -> str:
    """The fact's label without its unit: 一季度完成投资额(元) → 一季度完成投资额."""
    return spec.label.split("(", 1)[0]


def _fact_text(spec: FactSpec, value: object) -> str:
    if spec.kind == "money" and isinstance(value, Decimal):
        return _money_text(value)
    if isinstance(value, Decimal):
        return f"{_plain(value)}{spec.unit}"
    return f"{value}{spec.unit}"


def _award_text(amount: Decimal) -> str:
    return _money_text(amount) if amount % 1 == 0 else f"{round_fen(amount)}元"


def _citation(rules: Rules, measure: Measure, tier: Tier) -> Citation:
    return Citation(rules.document, measure.clause, tier.text)


# ------------------------------------------------------------------------------ measures

_Outcome = tuple[Award | None, list[NearMiss], list[str]]


def _shortfall(condition: Condition, value: Decimal | int, integral: bool) -> Decimal:
    """How far ``value`` is from meeting the bound; a count one more when the bound excludes it."""
    gap = condition.threshold - value
    if _excludes(condition) and integral:
        gap += 1
    return Decimal(gap)


def _near_misses(
    measure: Measure, values: Mapping[str, Any], above: Decimal, rules: Rules
) -> list[NearMiss]:
    """Per fact, the nearest tier paying more than ``above`` that a single unmet lower bound
    keeps out of reach."""
    nearest: dict[str, tuple[Decimal, Tier, Condition, bool]] = {}
    for tier in measure.tiers:
        if tier.amount is not None and tier.amount <= above:
            continue
        unmet = [c for c in tier.conditions if not _holds(c, values[c.fact])]
        if len(unmet) != 1 or not _is_lower_bound(unmet[0]):
            continue
        missed = unmet[0]
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
    label = _label(spec) if spec else condition.fact
    if spec is not None and spec.kind == "money":
        unit, shown = "元", _money_text(gap)
    elif spec is not None and spec.kind == "percent":
        unit, shown = "个百分点", f"{_plain(gap)}个百分点"
    else:
        unit = spec.unit if spec else condition.unit
        shown = f"{_plain(gap)}{unit}"
    need = "需超过" if _excludes(condition) and not integral else ""
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
        parts.append(f"{_label(spec)}{_fact_text(spec, values[fact])}")
    return "、".join(parts)


def _tiers(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    """Measures 2–8, 12–14: the highest tier met pays its amount."""
    best = _best(measure.tiers, values)
    award = None
    paid = ZERO
    if best is not None and best.amount is not None:
        paid = best.amount
        once = "一次性" if measure.one_off else ""
        award = Award(
            measure=measure.number,
            tier=best.name,
            amount=round_fen(best.amount),
            reason=f"{_facts_text(measure, values, rules)}, 符合“{best.text}”, "
            f"{once}奖励{_award_text(best.amount)}",
            citation=_citation(rules, measure, best),
            one_off=measure.one_off,
            lead_unit=measure.lead_unit,
        )
    return award, _near_misses(measure, values, paid, rules), []


def _rate(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    """Measure 1: the investment times the rate (2‰), at most the cap (15万元)."""
    assert measure.rate is not None
    assert measure.cap is not None
    tier = measure.tiers[0]
    if not _qualifies(tier, values):
        return None, _near_misses(measure, values, ZERO, rules), []
    base: Decimal = values[measure.facts[0]]
    raw = base * measure.rate
    capped = raw > measure.cap
    amount = measure.cap if capped else raw
    reason = (
        f"{_facts_text(measure, values, rules)}, 符合“{tier.text}”, "
        f"按{measure.rate_text}计{_plain(round_fen(raw))}元"
    )
    if capped:
        reason += f", {measure.cap_text}, 奖励{_award_text(measure.cap)}"
    else:
        reason += f", 奖励{round_fen(amount)}元"
    award = Award(
        measure=measure.number,
        tier=tier.name,
        amount=round_fen(amount),
        reason=reason,
        citation=_citation(rules, measure, tier),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
    )
    return award, [], []


def _cost_subsidy(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    """Measure 10: the actual costs, at most the cap (10万元), an estimate until audited."""
    assert measure.cap is not None
    tier = measure.tiers[0]
    if not _qualifies(tier, values):
        return None, _near_misses(measure, values, ZERO, rules), []
    costs: Decimal = values[measure.cost_fact]
    amount = min(costs, measure.cap)
    thresholds = "、".join(
        f"{_label(rules.facts[f])}{_fact_text(rules.facts[f], values[f])}"
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
        citation=_citation(rules, measure, tier),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
        estimate=True,
    )
    return award, [], []


def _per_store(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    """Measure 11: each new store paid by the tier of its area, summed."""
    areas: tuple[Decimal, ...] = values[measure.facts[0]]
    total = ZERO
    lines = []
    for index, area in enumerate(areas, start=1):
        best = _best(measure.tiers, {"store_area": area})
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
        citation=Citation(rules.document, measure.clause, measure.text),
        one_off=measure.one_off,
        lead_unit=measure.lead_unit,
    )
    return award, [], []


def _condition_text(condition: Condition) -> str:
    """A condition in the gazette's words: 超过100人 / 100人以上."""
    word = condition.reading.word
    if word in {"超过", "不满", "达到"}:
        return f"{word}{condition.value_text}{condition.unit}"
    return f"{condition.value_text}{condition.unit}{word}"


def _left_out(measure: Measure, group: _TourGroup) -> str | None:
    """Why a tour group does not count, or None when it counts."""
    point = {"guests": group.guests, "scenic_spots": group.scenic_spots, "nights": group.nights}
    for condition in measure.group_conditions:
        if not _holds(condition, point[condition.fact]):
            return f"{condition.note or _condition_text(condition)}不满足"
    if not group.district_hotel:
        return "未入住城区酒店"
    return None


def _travel(measure: Measure, values: Mapping[str, Any], rules: Rules) -> _Outcome:
    """Measure 15: per guest of a counted group 40元 a night (80元 a stay at most), once the
    counted guests exceed 1000; at most 20万元 an agency."""
    assert measure.per_night is not None
    assert measure.per_stay_cap is not None
    assert measure.cap is not None
    groups: tuple[_TourGroup, ...] = values[measure.facts[0]]
    counted_guests = 0
    raw = ZERO
    notes = []
    for index, group in enumerate(groups, start=1):
        why_not = _left_out(measure, group)
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
        f"符合条件的团队累计接待{counted_guests}人次, 符合“{tier.text}”; "
        f"每人每晚{_plain(measure.per_night)}元、{measure.per_stay_cap_text}, 计{_plain(raw)}元"
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
        citation=_citation(rules, measure, tier),
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


def _evaluate_parsed(
    values: Mapping[str, Any], unclear_percent: set[str], as_of: date, rules: Rules
) -> Evaluation:
    awards: list[Award] = []
    needs: list[Need] = []
    misses: list[NearMiss] = []
    notes: list[str] = []
    guidance: list[Guidance] = []
    touched = {rules.facts[name].measure for name in values}
    for measure in rules.measures:
        # Only measures with at least one fact given are assessed (guidance measures have none).
        if measure.number not in touched:
            continue
        if measure.guidance:
            guidance.append(
                Guidance(
                    measure.number,
                    measure.guidance,
                    Citation(rules.document, measure.clause, measure.text),
                )
            )
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
        unclear = [f for f in measure.facts if f in unclear_percent]
        if unclear:
            scaled = dict(values)
            for fact in unclear:
                scaled[fact] = values[fact] * HUNDRED
            other = evaluate_measure(measure, scaled, rules)
            shown = "、".join(f"{_label(rules.facts[f])}({f})={_plain(values[f])}" for f in unclear)
            as_pct = "、".join(f"{_plain(values[f])}%" for f in unclear)
            as_frac = "、".join(f"{_plain(scaled[f])}%" for f in unclear)
            if _result_amount(outcome) != _result_amount(other):
                needs.extend(
                    Need(
                        measure.number,
                        fact,
                        f"第{measure.number}条: {shown} 单位不明: 按百分数即{as_pct}时"
                        f"{_outcome_text(outcome)}, 若为小数即{as_frac}时{_outcome_text(other)}; "
                        '请确认并以百分数填写(如 25 或 "25%" 表示 25%)',
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
                notes.append(
                    f"第{measure.number}条 适用前提由牵头单位({measure.lead_unit})核实: "
                    f"{measure.assumes}"
                )
        misses.extend(near)
        notes.extend(extra)
        if as_of < measure.window.end:
            notes.append(
                f"第{measure.number}条 统计期“{measure.window.label}”至"
                f"{measure.window.end.isoformat()}尚未结束, 结果为按现有数据的预估"
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
    values, unclear = parse(facts, rules)
    return _evaluate_parsed(values, unclear, as_of, rules)


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
