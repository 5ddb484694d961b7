"""Each 开门红 measure's rule, next to its clause: which tier pays, how much, and why.

The numbers (thresholds, amounts, rates, caps, the words of each comparison) are the rule
table's, ``chengqu/rules/incentives_kaimenhong.toml``, loaded by chengqu.incentives.measures;
the shape of each rule is written here once, one function per kind of measure and for each
measure with logic of its own (1, 10, 11, 15), with the sentences that explain an outcome.
chengqu.incentives.fastpath applies these to whole columns of a batch with its caches;
chengqu.incentives.reference is the independent oracle both are tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chengqu.common import round_fen
from chengqu.incentives.facts import TravelGroup
from chengqu.incentives.measures import Condition, FactSpec, Measure, Rules, Tier
from chengqu.incentives.results import MissText
from chengqu.incentives.text import award_text, fact_text, money_text, plain

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# ------------------------------------------------------------------------------ tier tables
#
# Every measure but the guidance ones states its conditions as tiers; measures 2–8 and 12–14
# are nothing more ("tiers" kind). The tiers of one measure may qualify together (7: 达500万元
# 以上 and 达600万元以上): the measure pays its highest, once.


def qualifies(tier: Tier, values: Mapping[str, Any]) -> bool:
    """Whether every condition of the tier holds for the values."""
    for fact, op, threshold in tier.checks:  # noqa: SIM110 (a plain loop is faster)
        if not op(values[fact], threshold):
            return False
    return True


def best_tier(tiers: Sequence[Tier], values: Mapping[str, Any]) -> Tier | None:
    """The qualifying tier paying most, the first of equals; a measure pays one tier, once.

    Source: 城政办发〔2024〕5号 closing paragraph (符合多项奖励条件的分别进行申报: per measure once)
    """
    best: Tier | None = None
    for tier in tiers:
        if qualifies(tier, values) and (
            best is None or (tier.amount or ZERO) > (best.amount or ZERO)
        ):
            best = tier
    return best


def shortfall(condition: Condition, value: Decimal | int, integral: bool) -> Decimal:
    """How far ``value`` is from meeting the lower bound; one more for a count the bound excludes
    (超1000人次: 1000 guests are one short)."""
    gap = condition.threshold - value
    if condition.strict and integral:
        gap += 1
    return Decimal(gap)


def near_tiers(
    tiers: Sequence[Tier], values: Mapping[str, Any], above: Decimal
) -> list[tuple[Decimal, Tier, Condition, bool]]:
    """Per fact, the nearest tier paying more than ``above`` that a single unmet lower bound
    keeps out of reach: (shortfall, tier, the unmet condition, whether the value is a count)."""
    nearest: dict[str, tuple[Decimal, Tier, Condition, bool]] = {}
    for tier in tiers:
        if tier.amount is not None and tier.amount <= above:
            continue
        unmet = [c for c in tier.conditions if not c.op(values[c.fact], c.threshold)]
        if len(unmet) != 1 or not unmet[0].is_lower_bound:
            continue
        missed = unmet[0]
        value = values[missed.fact]
        integral = isinstance(value, int)
        gap = shortfall(missed, value, integral)
        known = nearest.get(missed.fact)
        if known is None or gap < known[0]:
            nearest[missed.fact] = (gap, tier, missed, integral)
    return list(nearest.values())


def miss_text(measure: Measure, tier: Tier, condition: Condition, rules: Rules) -> MissText:
    """The fixed parts of the sentence saying how far the tier is: 第3条: 营业收入差…达到下一档."""
    spec = rules.facts.get(condition.fact)
    label = spec.short_label if spec else condition.fact
    if spec is not None and spec.kind == "money":
        kind, unit = "money", "元"
    elif spec is not None and spec.kind == "percent":
        kind, unit = "percent", "个百分点"
    else:
        kind, unit = "other", spec.unit if spec else condition.unit
    prize = f"(奖励{award_text(tier.amount)})" if tier.amount is not None else ""
    return MissText(
        f"第{measure.number}条: {label}差",
        kind,
        unit,
        strict=condition.strict,
        tail=f"达到下一档“{tier.name}”{prize}",
    )


def facts_text(specs: Sequence[FactSpec], row: Sequence[Any]) -> str:
    """The facts a reason cites, with their values: 一季度完成投资额8000万元."""
    return "、".join(
        f"{spec.short_label}{fact_text(spec, value)}"
        for spec, value in zip(specs, row, strict=True)
    )


def tier_reason_tail(measure: Measure, tier: Tier) -> str:
    """What follows the facts in a paying tier's reason: , 符合“…”, 一次性奖励5万元."""
    if tier.amount is None:
        return ""
    once = "一次性" if measure.one_off else ""
    return f", 符合“{tier.text}”, {once}奖励{award_text(tier.amount)}"


def tiers_reason(specs: Sequence[FactSpec], row: Sequence[Any], tail: str) -> str:
    """Why a tier measure pays: its facts, the tier met and the amount (see tier_reason_tail)."""
    return f"{facts_text(specs, row)}{tail}"


# ------------------------------------------------------------------------------ measure 1


def rate_pay(measure: Measure, base: Decimal) -> tuple[Decimal, bool, Decimal]:
    """Measure 1 ("rate"): the investment times the rate, at most the cap: (raw, capped, amount).

    Source: 城政办发〔2024〕5号 1 (完成投资5000万元以上的,按投资额给予2‰的奖励,单个项目奖励最高不超过15万元)
    """
    assert measure.rate is not None
    assert measure.cap is not None
    raw = base * measure.rate
    capped = raw > measure.cap
    return raw, capped, measure.cap if capped else raw


def rate_reason(
    measure: Measure,
    specs: Sequence[FactSpec],
    row: Sequence[Any],
    raw: Decimal,
    capped: bool,
    amount: Decimal,
) -> str:
    """Why measure 1 pays what it pays (see rate_pay)."""
    assert measure.cap is not None
    reason = (
        f"{facts_text(specs, row)}, 符合“{measure.tiers[0].text}”, "
        f"按{measure.rate_text}计{plain(round_fen(raw))}元"
    )
    if capped:
        return f"{reason}, {measure.cap_text}, 奖励{award_text(measure.cap)}"
    return f"{reason}, 奖励{round_fen(amount)}元"


# ------------------------------------------------------------------------------ measure 10


def cost_subsidy_pay(measure: Measure, costs: Decimal) -> Decimal:
    """Measure 10 ("cost_subsidy"): once its tier is met, the actual costs, at most the cap; an
    estimate until the lead unit has audited the costs.

    Source: 城政办发〔2024〕5号 10 (给予补贴,最高不超过10万元; 按实际发生的…费用给予补贴)
    """
    assert measure.cap is not None
    return min(costs, measure.cap)


def cost_reason(
    measure: Measure,
    specs: Sequence[FactSpec],
    row: Sequence[Any],
    costs: Decimal,
    amount: Decimal,
) -> str:
    """Why measure 10 pays at most what it pays: the thresholds met, then the costs and the cap."""
    thresholds = "、".join(
        f"{spec.short_label}{fact_text(spec, value)}"
        for spec, value in zip(specs, row, strict=True)
        if spec.name != measure.cost_fact
    )
    return (
        f"{thresholds}, 达到“{measure.tiers[0].text}”; 实际费用{money_text(costs)}, "
        f"{measure.cap_text}, 补贴至多{round_fen(amount)}元(按审核后的实际费用确定)"
    )


# ------------------------------------------------------------------------------ measure 11

NO_STORES = "第11条: 未列出新增门店"


def store_tier(measure: Measure, area: Decimal) -> Tier | None:
    """Measure 11 ("per_store"): the tier one new store's area earns; the measure pays the sum
    over the stores, each at its own tier.

    Source: 城政办发〔2024〕5号 11 (营业面积100m²以下的,按每店0.5万元…100m²至200m²的,按每店1万元…200m²以上的,按每店3万元标准奖励)
    """
    return best_tier(measure.tiers, {"store_area": area})


def stores_title(count: int) -> str:
    """Measure 11's award title: the number of stores paid."""
    return f"{count}家新增门店"


def stores_reason(
    tier_of: Callable[[Decimal], Tier | None], areas: Sequence[Decimal], total: Decimal
) -> str:
    """Why measure 11 pays ``total``: each store's area and tier (``tier_of``: see store_tier)."""
    lines = []
    for index, area in enumerate(areas, start=1):
        tier = tier_of(area)
        if tier is not None and tier.amount is not None:
            lines.append(f"门店{index} {plain(area)}m²: {tier.name}, {award_text(tier.amount)}")
    return "; ".join(lines) + f"; 合计奖励{award_text(total)}"


# ------------------------------------------------------------------------------ measure 15


def condition_text(condition: Condition) -> str:
    """A condition in the gazette's words: 超过100人 / 100人以上."""
    word = condition.reading.word
    if word in {"超过", "不满", "达到"} or (word == "满" and condition.is_lower_bound):
        return f"{word}{condition.value_text}{condition.unit}"
    return f"{condition.value_text}{condition.unit}{word}"


def tour_group(measure: Measure, group: TravelGroup) -> tuple[str | None, Decimal | None]:
    """Measure 15 ("travel"), one tour group: why it does not count (and None), or (None and)
    what it earns: per guest 40元 a night, at most 80元 a stay.

    A group counts when it has 100 guests or more, visits two or more A-rated paying sights and
    stays in a district hotel (the rule table's ``group_when``, then the hotel).

    Source: 城政办发〔2024〕5号 15 (组织或承接100人(含)以上旅游团队,游览中心城区2个(含)以上A级收费景区并入住城区酒店…每人每晚奖励40元(连续入住最高每人奖励80元))
    """
    assert measure.per_night is not None
    assert measure.per_stay_cap is not None
    point = {"guests": group.guests, "scenic_spots": group.scenic_spots, "nights": group.nights}
    for condition in measure.group_conditions:
        if not condition.op(point[condition.fact], condition.threshold):
            return f"{condition.note or condition_text(condition)}不满足", None
    if not group.district_hotel:
        return "未入住城区酒店", None
    return None, min(measure.per_night * group.nights, measure.per_stay_cap) * group.guests


def left_out_note(index: int, why_not: str | None) -> str:
    """The note for a tour group measure 15 does not count (its position from 1)."""
    return f"第15条: 团队{index}不计入({why_not})"


def travel_pay(measure: Measure, raw: Decimal) -> tuple[Decimal, bool]:
    """Measure 15, the agency: once the counted guests exceed 1000 (its tier), the sum its
    groups earn, at most the cap: (amount, capped).

    Source: 城政办发〔2024〕5号 15 (累计接待超1000人次的…单个旅行社最高奖励不超过20万元)
    """
    assert measure.cap is not None
    capped = raw > measure.cap
    return (measure.cap if capped else raw), capped


def travel_reason(measure: Measure, counted_guests: int, raw: Decimal, capped: bool) -> str:
    """Why measure 15 pays what it pays (see tour_group and travel_pay)."""
    assert measure.per_night is not None
    assert measure.cap is not None
    reason = (
        f"符合条件的团队累计接待{counted_guests}人次, 符合“{measure.tiers[0].text}”; "
        f"每人每晚{plain(measure.per_night)}元、{measure.per_stay_cap_text}, 计{plain(raw)}元"
    )
    if capped:
        return f"{reason}, {measure.cap_text}, 奖励{award_text(measure.cap)}"
    return f"{reason}, 奖励{award_text(raw)}"


# ------------------------------------------------------------------------------ every measure


def need_message(measure: Measure, spec: FactSpec) -> str:
    """What a measure still needs: a missing fact is asked for, never read as zero."""
    return f"第{measure.number}条“{measure.title}”还需要: {spec.label}({spec.name})"


def window_note(measure: Measure, as_of: date) -> str | None:
    """The note that the measure's statistics window is still open at ``as_of``, or None."""
    if as_of >= measure.window.end:
        return None
    return (
        f"第{measure.number}条 统计期“{measure.window.label}”至{measure.window.end.isoformat()}"
        "尚未结束, 结果为按现有数据的预估"
    )


def assumes_note(measure: Measure) -> str | None:
    """The premise a paying measure rests on, for its lead unit to verify, or None."""
    if not measure.assumes:
        return None
    return f"第{measure.number}条 适用前提由牵头单位({measure.lead_unit})核实: {measure.assumes}"


def stacking_note(rules: Rules) -> str:
    """The note on an enterprise that several measures pay.

    Source: 城政办发〔2024〕5号 closing paragraph (符合多项奖励条件的分别进行申报)
    """
    return f"符合多项奖励条件, 按{rules.document}末段“符合多项奖励条件的分别进行申报”分别申报"


def unclear_growth(
    measure: Measure, rules: Rules, unclear: Sequence[str], row: Mapping[str, Decimal]
) -> tuple[str, str, str]:
    """A growth value between -1 and 1 (0.25: 25% or 0.25%?), shown three ways: the facts as
    given, read as percent, read as a fraction."""
    shown = "、".join(f"{rules.facts[f].short_label}({f})={plain(row[f])}" for f in unclear)
    as_pct = "、".join(f"{plain(row[f])}%" for f in unclear)
    as_frac = "、".join(f"{plain(row[f] * HUNDRED)}%" for f in unclear)
    return shown, as_pct, as_frac


def unit_question(
    measure: Measure, shown: str, as_pct: str, as_frac: str, as_given: str, as_fraction: str
) -> str:
    """The question asked when the two readings of a growth value pay differently (see
    unclear_growth; ``as_given``/``as_fraction``: what each reading pays)."""
    return (
        f"第{measure.number}条: {shown} 单位不明: 按百分数即{as_pct}时{as_given}, "
        f'若为小数即{as_frac}时{as_fraction}; 请确认并以百分数填写(如 25 或 "25%" 表示 25%)'
    )


def unit_note(measure: Measure, shown: str, as_pct: str, as_frac: str) -> str:
    """The note when both readings of a growth value pay the same (see unclear_growth)."""
    return f"第{measure.number}条: {shown} 按百分数即{as_pct}理解; 若指{as_frac}, 结果相同"
