"""The 开门红 engine: an enterprise's facts in, its awards, missing facts and near misses out."""

from __future__ import annotations

import gc
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from chengqu.common import Citation, DomainError, round_fen
from chengqu.incentives.facts import (
    RESERVED,
    ParsedFacts,
    TravelGroup,
    parse_column,
    parse_facts_fast,
)
from chengqu.incentives.measures import Condition, FactSpec, Measure, Rules, Tier, default_rules

ZERO = Decimal(0)
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def _no_text() -> str:
    return ""


class Award(NamedTuple):
    """What one measure pays: its tier, the amount in yuan (rounded once to the fen), why, where.

    ``estimate`` is true when the amount is a ceiling that depends on audited costs (measure 10).
    ``reason`` (the Chinese explanation) is rendered from ``why`` when read, not when evaluated:
    a batch of 100,000 enterprises mostly needs amounts, and the text is the costly part. An
    immutable named tuple rather than a frozen dataclass: a batch builds about a million of
    these and near misses, and a frozen dataclass costs about twenty times a tuple to build.
    Equality compares the rendered reason, not the renderer.
    """

    measure: int
    tier: str
    amount: Decimal
    citation: Citation
    one_off: bool
    lead_unit: str
    estimate: bool = False
    why: tuple[Callable[..., str], tuple[Any, ...]] = (_no_text, ())

    @property
    def reason(self) -> str:
        render, args = self.why
        return render(*args)

    def _key(self) -> tuple[object, ...]:
        return (self.measure, self.tier, self.amount, self.citation, self.one_off, self.lead_unit, self.estimate, self.reason)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Award):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Award(measure={self.measure!r}, tier={self.tier!r}, amount={self.amount!r}, reason={self.reason!r})"


@dataclass(frozen=True, slots=True)
class Need:
    """A fact the engine still needs before it can decide a measure (never a silent zero)."""

    measure: int
    field: str
    message: str


class _MissText:
    """The fixed parts of one near-miss sentence (per tier and condition, built once per rule set)."""

    __slots__ = ("head", "kind", "strict", "tail", "unit")

    def __init__(self, head: str, kind: str, unit: str, *, strict: bool, tail: str) -> None:
        self.head, self.kind, self.unit, self.strict, self.tail = head, kind, unit, strict, tail

    def render(self, gap: Decimal, integral: bool) -> str:
        if self.kind == "money":
            shown = _money_text(gap)
        elif self.kind == "percent":
            shown = f"{_plain(gap)}个百分点"
        else:
            shown = f"{_plain(gap)}{self.unit}"
        need = "需超过" if self.strict and not integral else ""
        return f"{self.head}{shown}{need}{self.tail}"


_NO_MISS_TEXT = _MissText("", "", "", strict=False, tail="")


class NearMiss(NamedTuple):
    """A higher tier one condition away: ``shortfall`` (in ``unit``) of ``field`` short of it.

    ``message`` is rendered when read (see Award, also for why a named tuple).
    """

    measure: int
    tier: str
    field: str
    shortfall: Decimal
    unit: str
    amount: Decimal | None
    text: _MissText = _NO_MISS_TEXT
    integral: bool = False

    @property
    def message(self) -> str:
        return self.text.render(self.shortfall, self.integral)

    def _key(self) -> tuple[object, ...]:
        return (self.measure, self.tier, self.field, self.shortfall, self.unit, self.amount, self.message)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NearMiss):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"NearMiss(measure={self.measure!r}, tier={self.tier!r}, field={self.field!r}, message={self.message!r})"


@dataclass(frozen=True, slots=True)
class Guidance:
    """A part of a measure that is no formula: what to do, and the clause."""

    measure: int
    text: str
    citation: Citation


class Evaluation(NamedTuple):
    """Everything one enterprise can claim at ``as_of``, with the clauses relied on.

    A named tuple (immutable, compared field by field) like Award: a batch builds one per
    enterprise, and a frozen dataclass costs several times as much to build.
    """

    as_of: date
    awards: tuple[Award, ...]
    needs: tuple[Need, ...]
    near_misses: tuple[NearMiss, ...]
    guidance: tuple[Guidance, ...]
    total: Decimal
    citations: tuple[Citation, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowResult:
    """One good row of a batch: its position, its id and its evaluation."""

    index: int
    id: str
    evaluation: Evaluation


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad row of a batch: where, which id, and the error naming the field."""

    index: int
    id: str | None
    code: str
    message: str
    field: str | None


@dataclass(frozen=True, slots=True)
class MeasureTotal:
    """How many enterprises a measure pays and what it costs, over a batch."""

    measure: int
    title: str
    count: int
    total: Decimal


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch: the good rows evaluated, the bad rows reported, never one stopping the other."""

    as_of: date
    results: tuple[RowResult, ...]
    errors: tuple[RowError, ...]

    def by_measure(self, rules: Rules | None = None) -> tuple[MeasureTotal, ...]:
        """Total cost and number of awards per measure (the 免申即享 summary)."""
        rules = rules or default_rules()
        counts: dict[int, int] = {}
        totals: dict[int, Decimal] = {}
        for row in self.results:
            for award in row.evaluation.awards:
                counts[award.measure] = counts.get(award.measure, 0) + 1
                totals[award.measure] = totals.get(award.measure, ZERO) + award.amount
        return tuple(
            MeasureTotal(m.number, m.title, counts.get(m.number, 0), totals.get(m.number, ZERO))
            for m in rules.measures
            if m.kind != "guidance"
        )

    @property
    def total(self) -> Decimal:
        return sum((row.evaluation.total for row in self.results), ZERO)


# ------------------------------------------------------------------------------ formatting


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5E+3 → '5000', 2.50 → '2.5'."""
    text = str(number)
    if "E" in text or ("." in text and text[-1] == "0"):  # str() already is the plain form otherwise
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


# ------------------------------------------------------------------------------ compiled rules
#
# The fast path: each rule set is turned once into plain tables (per tier: its checks, its
# amount already rounded, its citation and the fixed parts of its sentences), so evaluating an
# enterprise is comparisons and a few object constructions; the Chinese text is rendered only
# when read. chengqu.incentives.reference is the plain version this must equal.

# (fact, comparison, threshold, condition, near-miss text)
_Check = tuple[str, Callable[[Any, Any], bool], Decimal, Condition, _MissText]


class _CTier:
    """One tier, compiled."""

    __slots__ = ("amount", "checks", "citation", "key", "name", "paid", "reason_tail", "tier")

    def __init__(self, measure: Measure, tier: Tier, rules: Rules) -> None:
        self.tier = tier
        self.name = tier.name
        self.amount = tier.amount
        self.key = tier.amount or ZERO
        self.paid = round_fen(tier.amount) if tier.amount is not None else None
        self.citation = measure.tier_citation(tier)
        once = "一次性" if measure.one_off else ""
        self.reason_tail = (
            f", 符合“{tier.text}”, {once}奖励{_award_text(tier.amount)}" if tier.amount is not None else ""
        )
        self.checks: tuple[_Check, ...] = tuple(
            (c.fact, c.op, c.threshold, c, _miss_text(measure, tier, c, rules)) for c in tier.conditions
        )


def _miss_text(measure: Measure, tier: Tier, condition: Condition, rules: Rules) -> _MissText:
    spec = rules.facts.get(condition.fact)
    label = spec.short_label if spec else condition.fact
    if spec is not None and spec.kind == "money":
        kind, unit = "money", "元"
    elif spec is not None and spec.kind == "percent":
        kind, unit = "percent", "个百分点"
    else:
        kind, unit = "other", spec.unit if spec else condition.unit
    prize = f"(奖励{_award_text(tier.amount)})" if tier.amount is not None else ""
    return _MissText(
        f"第{measure.number}条: {label}差", kind, unit, strict=condition.strict, tail=f"达到下一档“{tier.name}”{prize}"
    )


class _CMeasure:
    """One measure, compiled: its tiers, the Need for each fact, its guidance."""

    __slots__ = (
        "band_cache",
        "bands",
        "columns",
        "facts",
        "group_cache",
        "guidance",
        "measure",
        "needs",
        "note_cache",
        "number",
        "rate_cache",
        "specs",
        "store_cache",
        "store_thresholds",
        "tiers",
        "travel_cache",
    )

    def __init__(self, measure: Measure, rules: Rules) -> None:
        self.measure = measure
        self.number = measure.number
        self.facts = measure.facts
        self.specs = tuple(rules.facts[f] for f in measure.facts)
        self.tiers = tuple(_CTier(measure, t, rules) for t in measure.tiers)
        self.needs = {
            f: Need(measure.number, f, f"第{measure.number}条“{measure.title}”还需要: {rules.facts[f].label}({f})")
            for f in measure.facts
        }
        self.guidance = Guidance(measure.number, measure.guidance, measure.citation) if measure.guidance else None
        self.columns: Callable[[_CMeasure, list[list[Any]], int], _Columns] = _KINDS.get(measure.kind, _nothing)
        # Per fact the sorted distinct thresholds of its conditions (see _tiers), and per band
        # the outcome worked out once.
        self.bands: tuple[tuple[str, list[Decimal]], ...] = tuple(
            (f, sorted({c.threshold for t in measure.tiers for c in t.conditions if c.fact == f})) for f in measure.facts
        )
        self.band_cache: dict[Any, _Band] = {}
        self.rate_cache: dict[Any, _Band] = {}
        self.store_cache: dict[int, _CTier | None] = {}
        self.store_thresholds = sorted({c.threshold for t in measure.tiers for c in t.conditions})
        # Measure 15: per tour group (guests, nights, spots, hotel), why it does not count or its amount.
        self.group_cache: dict[TravelGroup, tuple[str | None, Decimal | None]] = {}
        self.note_cache: dict[tuple[int, str | None], str] = {}
        self.travel_cache: dict[int, tuple[bool, list[tuple[tuple[Any, ...], Decimal, tuple[Any, ...]]]]] = {}


class _Compiled:
    """A whole rule set, compiled; kept per Rules object (rule sets are few and immutable)."""

    __slots__ = ("by_number", "fact_measure", "plans", "rules", "stacking_note")

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.by_number = {m.number: _CMeasure(m, rules) for m in rules.measures}
        self.fact_measure = {name: spec.measure for name, spec in rules.facts.items()}
        self.stacking_note = f"符合多项奖励条件, 按{rules.document}末段“符合多项奖励条件的分别进行申报”分别申报"
        self.plans: dict[tuple[date, tuple[str, ...]], _Plan] = {}


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rules: Rules) -> _Compiled:
    known = _COMPILED.get(id(rules))
    if known is None or known.rules is not rules:
        if len(_COMPILED) > 32:  # rule sets built in tests come and go
            _COMPILED.clear()
        known = _COMPILED[id(rules)] = _Compiled(rules)
    return known


# ------------------------------------------------------------------------------ measures
#
# Measures are evaluated a column at a time: for one measure, all the rows of a batch that give
# its facts (one row when a single enterprise is evaluated: there is one code path). A column
# function takes the measure's fact columns and returns, per row, the award (or None), the near
# misses (or None) and the notes its kind adds (or None), so a batch of 100,000 rows costs one
# Python loop per measure instead of a function call per row and measure. A row's values for
# the measure travel as a tuple in the order of ``cm.facts`` (the reason renderers read them).

_Row = tuple[Any, ...]
_Columns = tuple[list["Award | None"], "list[list[NearMiss] | None] | None", "list[list[str] | None] | None"]
_new = tuple.__new__


def _shortfall(condition: Condition, value: Decimal | int, integral: bool) -> Decimal:
    gap = condition.threshold - value
    if condition.strict and integral:
        gap += 1
    return Decimal(gap)


_TWO_MISSED: Any = object()


def _scan(cm: _CMeasure, values: Mapping[str, Any]) -> tuple[_CTier | None, list[tuple[_CTier, _Check]]]:
    """The best qualifying tier (highest amount, first on ties) and the tiers one lower bound away."""
    best: _CTier | None = None
    candidates: list[tuple[_CTier, _Check]] = []
    for ct in cm.tiers:
        missed: Any = None
        for check in ct.checks:
            if not check[1](values[check[0]], check[2]):
                if missed is not None:
                    missed = _TWO_MISSED
                    break
                missed = check
        if missed is None:
            if best is None or ct.key > best.key:
                best = ct
        elif missed is not _TWO_MISSED and missed[3].is_lower_bound:
            candidates.append((ct, missed))
    return best, candidates


def _passes(ct: _CTier, values: Mapping[str, Any]) -> bool:
    for fact, op, threshold, _, _ in ct.checks:  # noqa: SIM110 (hot path)
        if not op(values[fact], threshold):
            return False
    return True


def _misses(
    cm: _CMeasure, candidates: list[tuple[_CTier, _Check]], above: Decimal, values: Mapping[str, Any]
) -> list[NearMiss]:
    """Per fact, the nearest higher tier that a single unmet lower bound keeps out of reach."""
    nearest: dict[str, tuple[Decimal, _CTier, _Check, bool]] = {}
    for ct, check in candidates:
        if ct.amount is not None and ct.amount <= above:
            continue
        condition = check[3]
        value = values[condition.fact]
        integral = isinstance(value, int)
        gap = _shortfall(condition, value, integral)
        known = nearest.get(condition.fact)
        if known is None or gap < known[0]:
            nearest[condition.fact] = (gap, ct, check, integral)
    return [
        NearMiss(cm.number, ct.name, check[0], gap, check[4].unit, ct.amount, check[4], integral)
        for gap, ct, check, integral in nearest.values()
    ]


def _facts_text(cm: _CMeasure, row: _Row) -> str:
    return "、".join(f"{spec.short_label}{_fact_text(spec, value)}" for spec, value in zip(cm.specs, row, strict=True))


def _tiers_reason(cm: _CMeasure, row: _Row, best: _CTier) -> str:
    return f"{_facts_text(cm, row)}{best.reason_tail}"


# A band: which threshold interval each fact falls in. For one fact with sorted distinct
# thresholds T, bisect_left(T, v) + bisect_right(T, v) is even between thresholds and odd on
# one, so it fixes the outcome of every comparison with every threshold (exact: Decimal and
# int compare exactly, no floats). The best tier, the tiers one lower bound away and, per
# fact, which of them is nearest depend on the bands only (gaps between two thresholds of a
# fact differ by a constant, whatever the value), so they are worked out once per band and
# reused; each row only computes its own shortfalls. A fact's values are all int (counts) or
# all Decimal (everything else: the parser types them by the fact's kind), so the band of a
# value and its type fix the comparisons and the shortfall rule together.
class _Band(NamedTuple):
    best: _CTier | None
    # Per fact, the nearest higher tier one lower bound away: (threshold, position of the fact
    # in the row, whether a strict bound on a count adds one to the gap, then the NearMiss
    # fields before and after the shortfall).
    picks: tuple[tuple[Decimal, int, bool, tuple[Any, ...], tuple[Any, ...]], ...]
    # The award's fields but its reason, when the best tier pays a fixed amount.
    award: tuple[Any, ...] | None
    # Whether the measure's first tier is met (rate and cost measures have that one tier).
    first: bool


def _band(cm: _CMeasure, row: _Row, *, above_best: bool = True) -> _Band:
    """The band ``row`` falls in, worked out from the row (once per band; see above).

    ``above_best``: near misses only for tiers paying more than the best one (tiers); rate and
    cost measures list every tier one bound away when their single tier is not met.
    """
    values = dict(zip(cm.facts, row, strict=True))
    best, candidates = _scan(cm, values)
    above = best.amount if above_best and best is not None and best.amount is not None else ZERO
    nearest: dict[str, tuple[Decimal, _CTier, _Check]] = {}
    for ct, check in candidates:
        if ct.amount is not None and ct.amount <= above:
            continue
        condition = check[3]
        value = values[condition.fact]
        gap = _shortfall(condition, value, isinstance(value, int))
        known = nearest.get(condition.fact)
        if known is None or gap < known[0]:
            nearest[condition.fact] = (gap, ct, check)
    picks = []
    for _, ct, check in nearest.values():
        integral = isinstance(values[check[0]], int)
        text = check[4]
        picks.append((
            check[2],
            cm.facts.index(check[0]),
            check[3].strict and integral,
            (cm.number, ct.name, check[0]),
            (text.unit, ct.amount, text, integral),
        ))
    m = cm.measure
    award = (
        (m.number, best.name, best.paid, best.citation, m.one_off, m.lead_unit, False)
        if best is not None and best.amount is not None
        else None
    )
    return _Band(best, tuple(picks), award, bool(cm.tiers) and _passes(cm.tiers[0], values))


def _band_keys(cm: _CMeasure, cols: list[list[Any]], n: int) -> list[Any]:
    """Per row, the key of its band: one int per fact that has thresholds."""
    per_fact = [
        [bisect_left(thresholds, v) + bisect_right(thresholds, v) for v in col]
        for (_, thresholds), col in zip(cm.bands, cols, strict=True)
        if thresholds
    ]
    if len(per_fact) == 1:
        return per_fact[0]
    if not per_fact:
        return [0] * n
    return list(zip(*per_fact, strict=True))


def _rows(cols: list[list[Any]]) -> list[_Row]:
    if len(cols) == 1:
        return [(value,) for value in cols[0]]
    return list(zip(*cols, strict=True))


def _near(band: _Band, row: _Row) -> list[NearMiss]:
    """The row's near misses in its band: only the shortfalls are the row's own."""
    out = []
    for threshold, position, add_one, head, tail in band.picks:
        gap = threshold - row[position]
        if add_one:
            gap += 1
        out.append(_new(NearMiss, (*head, gap, *tail)))
    return out


def _band_of(cm: _CMeasure, cache: dict[Any, _Band], key: Any, row: _Row, *, above_best: bool) -> _Band:
    if len(cache) > 100_000:  # rule sets are immutable; a cache this size is one of many keys
        cache.clear()
    band = cache[key] = _band(cm, row, above_best=above_best)
    return band


def _tiers(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    """Per row: its band (cached), the band's award with the row's reason, its near misses."""
    rows = _rows(cols)
    cache = cm.band_cache
    awards: list[Any] = [None] * n
    misses: list[Any] = [None] * n
    any_miss = False
    reason = _tiers_reason
    for i, key in enumerate(_band_keys(cm, cols, n)):
        band = cache.get(key)
        if band is None:
            band = _band_of(cm, cache, key, rows[i], above_best=True)
        if band.award is not None:
            awards[i] = _new(Award, (*band.award, (reason, (cm, rows[i], band.best))))
        if band.picks:
            any_miss = True
            row = rows[i]
            out = []
            for threshold, position, add_one, head, tail in band.picks:
                gap = threshold - row[position]
                if add_one:
                    gap += 1
                out.append(_new(NearMiss, (*head, gap, *tail)))
            misses[i] = out
    return awards, misses if any_miss else None, None


def _rate_reason(cm: _CMeasure, row: _Row, raw: Decimal, capped: bool, amount: Decimal) -> str:
    m = cm.measure
    assert m.cap is not None
    reason = f"{_facts_text(cm, row)}, 符合“{m.tiers[0].text}”, 按{m.rate_text}计{_plain(round_fen(raw))}元"
    if capped:
        reason += f", {m.cap_text}, 奖励{_award_text(m.cap)}"
    else:
        reason += f", 奖励{round_fen(amount)}元"
    return reason


def _single_tier(cm: _CMeasure, cols: list[list[Any]], n: int, pay: Callable[[_CMeasure, _Row], Award]) -> _Columns:
    """Rate and cost measures: their one tier met pays ``pay(row)``, else the bounds it misses."""
    rows = _rows(cols)
    cache = cm.rate_cache
    awards: list[Award | None] = [None] * n
    misses: list[list[NearMiss] | None] | None = None
    for i, key in enumerate(_band_keys(cm, cols, n)):
        band = cache.get(key)
        if band is None:
            band = _band_of(cm, cache, key, rows[i], above_best=False)
        if band.first:
            awards[i] = pay(cm, rows[i])
        elif band.picks:
            if misses is None:
                misses = [None] * n
            misses[i] = _near(band, rows[i])
    return awards, misses, None


def _rate_award(cm: _CMeasure, row: _Row) -> Award:
    m = cm.measure
    assert m.rate is not None
    assert m.cap is not None
    ct = cm.tiers[0]
    raw = row[0] * m.rate
    capped = raw > m.cap
    amount = m.cap if capped else raw
    return Award(
        m.number, ct.name, round_fen(amount), ct.citation, m.one_off, m.lead_unit,
        estimate=False,
        why=(_rate_reason, (cm, row, raw, capped, amount)),
    )


def _rate(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return _single_tier(cm, cols, n, _rate_award)


def _cost_reason(cm: _CMeasure, row: _Row, costs: Decimal, amount: Decimal) -> str:
    m = cm.measure
    thresholds = "、".join(
        f"{spec.short_label}{_fact_text(spec, value)}"
        for spec, value in zip(cm.specs, row, strict=True)
        if spec.name != m.cost_fact
    )
    return (
        f"{thresholds}, 达到“{m.tiers[0].text}”; 实际费用{_money_text(costs)}, {m.cap_text}, "
        f"补贴至多{round_fen(amount)}元(按审核后的实际费用确定)"
    )


def _cost_award(cm: _CMeasure, row: _Row) -> Award:
    m = cm.measure
    assert m.cap is not None
    ct = cm.tiers[0]
    costs: Decimal = row[cm.facts.index(m.cost_fact)]
    amount = min(costs, m.cap)
    return Award(
        m.number, ct.name, round_fen(amount), ct.citation, m.one_off, m.lead_unit,
        estimate=True,
        why=(_cost_reason, (cm, row, costs, amount)),
    )


def _cost_subsidy(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return _single_tier(cm, cols, n, _cost_award)


def _store_reason(stores: list[tuple[int, Decimal, _CTier]], total: Decimal) -> str:
    lines = [f"门店{index} {_plain(area)}m²: {ct.name}, {_award_text(ct.amount)}" for index, area, ct in stores]  # type: ignore[arg-type]
    return "; ".join(lines) + f"; 合计奖励{_award_text(total)}"


def _store_tier(cm: _CMeasure, area: Decimal) -> _CTier | None:
    """The best tier for one store's area, worked out once per band of areas (see _Band)."""
    thresholds = cm.store_thresholds
    band = bisect_left(thresholds, area) + bisect_right(thresholds, area)
    known = cm.store_cache.get(band, _TWO_MISSED)
    if known is not _TWO_MISSED:
        return known  # type: ignore[no-any-return]
    point = {"store_area": area}
    best: _CTier | None = None
    for ct in cm.tiers:
        if _passes(ct, point) and (best is None or ct.key > best.key):
            best = ct
    cm.store_cache[band] = best
    return best


_NO_STORES = ["第11条: 未列出新增门店"]


def _per_store(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    m = cm.measure
    awards: list[Award | None] = [None] * n
    notes: list[list[str] | None] | None = None
    for i, areas in enumerate(cols[0]):
        total = ZERO
        stores: list[tuple[int, Decimal, _CTier]] = []
        for index, area in enumerate(areas, start=1):
            best = _store_tier(cm, area)
            if best is not None and best.amount is not None:
                total += best.amount
                stores.append((index, area, best))
        if stores:
            awards[i] = Award(
                m.number, f"{len(stores)}家新增门店", round_fen(total), m.citation, m.one_off, m.lead_unit,
                estimate=False,
                why=(_store_reason, (stores, total)),
            )
        elif not areas:
            if notes is None:
                notes = [None] * n
            notes[i] = list(_NO_STORES)
    return awards, None, notes


def _group_counts(measure: Measure, group: TravelGroup) -> str | None:
    """Why a tour group does not count, or None when it counts."""
    point = {"guests": group.guests, "scenic_spots": group.scenic_spots, "nights": group.nights}
    for condition in measure.group_conditions:
        if not condition.holds(point[condition.fact]):
            return f"{condition.note or condition.describe()}不满足"
    if not group.district_hotel:
        return "未入住城区酒店"
    return None


def _travel_reason(cm: _CMeasure, counted_guests: int, raw: Decimal, capped: bool) -> str:
    m = cm.measure
    assert m.per_night is not None
    assert m.cap is not None
    reason = (
        f"符合条件的团队累计接待{counted_guests}人次, 符合“{m.tiers[0].text}”; 每人每晚{_plain(m.per_night)}元、"
        f"{m.per_stay_cap_text}, 计{_plain(raw)}元"
    )
    reason += f", {m.cap_text}, 奖励{_award_text(m.cap)}" if capped else f", 奖励{_award_text(raw)}"
    return reason


def _travel_band(cm: _CMeasure, counted_guests: int) -> tuple[bool, list[NearMiss]]:
    """Whether the guests counted meet the tier, else its near misses (once per band of counts)."""
    thresholds = cm.store_thresholds  # the thresholds on the guests counted
    band = bisect_left(thresholds, counted_guests) + bisect_right(thresholds, counted_guests)
    known = cm.travel_cache.get(band)
    if known is None:
        point = {"counted_guests": counted_guests}
        met = _passes(cm.tiers[0], point)
        found = [] if met else _misses(cm, _scan(cm, point)[1], ZERO, point)
        # Kept as the pieces of a near miss (its shortfall is the row's own).
        known = cm.travel_cache[band] = (met, [(nm[:3], nm[3] + counted_guests, nm[4:]) for nm in found])
    met, picks = known
    if not picks:
        return met, []
    return met, [_new(NearMiss, (*head, threshold - counted_guests, *tail)) for head, threshold, tail in picks]


def _travel(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    m = cm.measure
    assert m.per_night is not None
    assert m.per_stay_cap is not None
    assert m.cap is not None
    ct = cm.tiers[0]
    known = cm.group_cache
    left_out = cm.note_cache
    awards: list[Award | None] = [None] * n
    misses: list[list[NearMiss] | None] | None = None
    notes: list[list[str] | None] | None = None
    for i, groups in enumerate(cols[0]):
        counted_guests = 0
        raw = ZERO
        row_notes = None
        for index, group in enumerate(groups, start=1):
            counted = known.get(group)
            if counted is None:
                why_not = _group_counts(m, group)
                counted = (
                    why_not,
                    None if why_not is not None else min(m.per_night * group.nights, m.per_stay_cap) * group.guests,
                )
                if len(known) > 100_000:
                    known.clear()
                known[group] = counted
            if counted[1] is None:
                if row_notes is None:
                    row_notes = []
                note = left_out.get((index, counted[0]))
                if note is None:
                    note = left_out[(index, counted[0])] = f"第15条: 团队{index}不计入({counted[0]})"
                row_notes.append(note)
                continue
            counted_guests += group.guests
            raw += counted[1]
        if row_notes is not None:
            if notes is None:
                notes = [None] * n
            notes[i] = row_notes
        met, found = _travel_band(cm, counted_guests)
        if not met:
            if found:
                if misses is None:
                    misses = [None] * n
                misses[i] = found
            continue
        capped = raw > m.cap
        amount = m.cap if capped else raw
        awards[i] = _new(Award, (
            m.number, ct.name, round_fen(amount), ct.citation, m.one_off, m.lead_unit, False,
            (_travel_reason, (cm, counted_guests, raw, capped)),
        ))
    return awards, misses, notes


def _nothing(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return [None] * n, None, None


_KINDS: dict[str, Callable[[_CMeasure, list[list[Any]], int], _Columns]] = {
    "tiers": _tiers,
    "rate": _rate,
    "cost_subsidy": _cost_subsidy,
    "per_store": _per_store,
    "travel": _travel,
}


# ------------------------------------------------------------------------------ evaluate


def check_as_of(as_of: object, rules: Rules | None = None) -> date:
    """The evaluation date, refused when it is not a date or falls outside the claim period.

    Source: 城政办发〔2024〕5号 closing paragraph (validity), claim close assumed in the rule table
    """
    rules = rules or default_rules()
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise DomainError("incentives.as_of", "评估日期(as_of)必须是日期", field="as_of")
    if as_of < rules.claims_open:
        raise DomainError(
            "incentives.not_in_force",
            f"评估日期(as_of) {as_of.isoformat()} 早于{rules.document}的施行日期 {rules.claims_open.isoformat()}",
            field="as_of",
        )
    if as_of > rules.claims_close:
        assumed = "(假定, 可配置)" if rules.claims_close_assumed else ""
        raise DomainError(
            "incentives.expired",
            f"评估日期(as_of) {as_of.isoformat()} 晚于申报截止日 {rules.claims_close.isoformat()}{assumed}; "
            f"{rules.document} 有效期至 {rules.expires.isoformat()}",
            field="as_of",
        )
    return as_of


# One step of a plan: the measure, the needs when some of its facts are missing (then it is not
# evaluated), and the note saying its window is still open at as_of (or None).
_Step = tuple[_CMeasure, tuple[Need, ...], "str | None"]
_Plan = tuple[tuple[_Step, ...], tuple[Guidance, ...]]


def _plan(compiled: _Compiled, names: tuple[str, ...], as_of: date) -> _Plan:
    """What a row with these facts goes through at ``as_of``: built once per set of fact names."""
    key = (as_of, names)
    plan = compiled.plans.get(key)
    if plan is not None:
        return plan
    steps: list[_Step] = []
    guidance: list[Guidance] = []
    given = set(names)
    # Only measures with at least one fact given are assessed (guidance measures have none).
    for number in sorted({compiled.fact_measure[name] for name in names}):
        cm = compiled.by_number[number]
        if cm.guidance is not None:
            guidance.append(cm.guidance)
        missing = tuple(cm.needs[fact] for fact in cm.facts if fact not in given)
        measure = cm.measure
        window_note = (
            f"第{number}条 统计期“{measure.window.label}”至{measure.window.end.isoformat()}尚未结束, "
            "结果为按现有数据的预估"
            if as_of < measure.window.end
            else None
        )
        steps.append((cm, missing, window_note))
    if len(compiled.plans) > 4096:  # rows with ever new sets of facts: start again
        compiled.plans.clear()
    plan = compiled.plans[key] = (tuple(steps), tuple(guidance))
    return plan


def _evaluate_parsed(parsed: ParsedFacts, as_of: date, rules: Rules) -> Evaluation:
    values = parsed.values
    unclear = {0: parsed.unclear_percent} if parsed.unclear_percent else None
    return _evaluate_columns(_compiled(rules), tuple(values), [[v] for v in values.values()], 1, unclear, as_of)[0]


def _amount(award: Award | None) -> Decimal:
    return award.amount if award is not None else ZERO


def _amount_text(award: Award | None) -> str:
    return f"奖励{award.amount}元" if award is not None else "无奖励"


def _evaluate_columns(
    compiled: _Compiled,
    names: tuple[str, ...],
    columns: list[list[Any]],
    n: int,
    unclear_at: Mapping[int, frozenset[str] | set[str]] | None,
    as_of: date,
) -> list[Evaluation]:
    """``n`` rows that give the facts ``names`` (one parsed value list per name), evaluated.

    Each measure whose facts are all given is evaluated over the whole column (see _KINDS);
    then each row's awards, near misses and notes are gathered in measure order, as the rules
    list them. ``unclear_at`` maps a row to its growth facts whose unit is unclear (0.25: 25% or
    0.25%?): where the two readings pay differently the measure asks instead of paying.
    """
    steps, guidance = _plan(compiled, names, as_of)
    position = {name: k for k, name in enumerate(names)}
    rules = compiled.rules
    award_cols: list[list[Award | None]] = []
    miss_cols: list[list[list[NearMiss] | None]] = []
    note_cols: list[list[Any]] = []
    # Rows whose unit question stops a measure: per row, per step, the needs asking it.
    asked: dict[int, dict[int, list[Need]]] = {}
    unclear_rows: dict[str, list[int]] = {}
    for i, unclear_names in (unclear_at or {}).items():
        for fact in unclear_names:
            unclear_rows.setdefault(fact, []).append(i)
    for step, (cm, missing, window_note) in enumerate(steps):
        if missing:
            continue
        cols = [columns[position[fact]] for fact in cm.facts]
        awards, misses, extras = cm.columns(cm, cols, n)
        first_notes: dict[int, str] = {}
        unsure = sorted({i for fact in cm.facts for i in unclear_rows.get(fact, ())})
        if unsure:
            # The unit question, for all the measure's unsure rows at once: read as a fraction.
            scaled_cols = [
                [col[i] * HUNDRED if fact in unclear_at[i] else col[i] for i in unsure]  # type: ignore[index]
                if fact in unclear_rows
                else [col[i] for i in unsure]
                for fact, col in zip(cm.facts, cols, strict=True)
            ]
            others = cm.columns(cm, scaled_cols, len(unsure))[0]
            for i, other in zip(unsure, others, strict=True):
                assert unclear_at is not None
                unclear = [fact for fact in cm.facts if fact in unclear_at[i]]
                row = [col[i] for col in cols]
                facts = rules.facts
                shown = "、".join(f"{facts[f].short_label}({f})={_plain(row[cm.facts.index(f)])}" for f in unclear)
                as_pct = "、".join(f"{_plain(row[cm.facts.index(f)])}%" for f in unclear)
                as_frac = "、".join(f"{_plain(row[cm.facts.index(f)] * HUNDRED)}%" for f in unclear)
                if _amount(awards[i]) != _amount(other):
                    number = cm.number
                    asked.setdefault(i, {})[step] = [
                        Need(
                            number,
                            fact,
                            f"第{number}条: {shown} 单位不明: 按百分数即{as_pct}时{_amount_text(awards[i])}, "
                            f"若为小数即{as_frac}时{_amount_text(other)}; 请确认并以百分数填写(如 25 或 \"25%\" 表示 25%)",
                        )
                        for fact in unclear
                    ]
                    awards[i] = None
                    if misses is not None:
                        misses[i] = None
                    if extras is not None:
                        extras[i] = None
                    continue
                first_notes[i] = f"第{cm.number}条: {shown} 按百分数即{as_pct}理解; 若指{as_frac}, 结果相同"
        award_cols.append(awards)
        if misses is not None:
            miss_cols.append(misses)
        # A measure's notes in the order the rules give them: the unit reading, what the award
        # assumes, what the measure itself says (groups not counted...), the open window. Most
        # rows only have what the award assumes; the others are written out one by one.
        assumes = (cm.measure.assumes_note,) if cm.measure.assumes else None
        if assumes is None and window_note is None and not first_notes and extras is None:
            continue
        if window_note is None:
            column: list[Any] = [assumes if award is not None else None for award in awards]
        else:
            column = [(*assumes, window_note) if assumes and award is not None else (window_note,) for award in awards]
        special = set(first_notes)
        if extras is not None:
            special.update(i for i, extra in enumerate(extras) if extra)
        special.update(i for i, questions in asked.items() if step in questions)
        for i in special:
            parts: list[str] = []
            if i in first_notes:
                parts.append(first_notes[i])
            if assumes is not None and awards[i] is not None:
                parts.extend(assumes)
            if extras is not None and extras[i]:
                parts.extend(extras[i])  # type: ignore[arg-type]
            if window_note is not None and not (i in asked and step in asked[i]):
                parts.append(window_note)
            column[i] = parts or None
        note_cols.append(column)
    plan_needs = tuple(need for _, missing, _ in steps for need in missing)
    stacking, stacking_note = rules.stacking, compiled.stacking_note
    evaluations = []
    zero = ZERO
    none = [()] * n
    rows = zip(
        zip(*award_cols, strict=True) if award_cols else none,
        zip(*miss_cols, strict=True) if miss_cols else none,
        zip(*note_cols, strict=True) if note_cols else none,
        strict=True,
    )
    for i, (row_awards, row_misses, row_notes) in enumerate(rows):
        awards_found = [award for award in row_awards if award is not None]
        near = tuple([m for found in row_misses if found for m in found])
        notes = [note for found in row_notes if found for note in found]
        if len(awards_found) > 1:
            total = sum([a[2] for a in awards_found], zero)
            citations = (*[a.citation for a in awards_found], stacking)
            notes.append(stacking_note)
        elif awards_found:
            total = zero + awards_found[0].amount
            citations = (awards_found[0].citation,)
        else:
            total = zero
            citations = ()
        needs = plan_needs
        if i in asked:
            questions = asked[i]
            needs = tuple(
                need for step, (_, missing, _) in enumerate(steps) for need in (*missing, *questions.get(step, ()))
            )
        evaluations.append(
            _new(Evaluation, (as_of, tuple(awards_found), needs, near, guidance, total, citations, tuple(notes)))
        )
    return evaluations


def evaluate(facts: Mapping[str, object], as_of: date, *, rules: Rules | None = None) -> Evaluation:
    """What an enterprise can claim under the sixteen measures, given its facts at ``as_of``.

    Facts are named as in issue 7 §2 (amounts in yuan, growth in percent, areas in m²); a measure
    is assessed when at least one of its facts is given, and a measure missing some of its facts
    lists them in ``needs`` instead of paying nothing. Raises DomainError naming the bad field.

    Source: 城政办发〔2024〕5号 1–16 and closing paragraph
    """
    rules = rules or default_rules()
    check_as_of(as_of, rules)
    return _evaluate_parsed(parse_facts_fast(facts, rules), as_of, rules)


def evaluate_many(
    rows: Iterable[Mapping[str, object]], as_of: date, *, rules: Rules | None = None
) -> Batch:
    """Every row evaluated on its own: a bad row becomes a RowError, the good rows go on.

    Each row needs an ``id``; a repeated id is an error on its later rows (one enterprise is paid
    once per measure). A bad ``as_of`` concerns the whole batch and raises DomainError.

    Source: 城政办发〔2024〕5号 (免申即享 batch matching, issue 7 §4)
    """
    rules = rules or default_rules()
    check_as_of(as_of, rules)
    return _collector_paused(_evaluate_rows, rows, as_of, rules)


_T = TypeVar("_T")


def _collector_paused(build: Callable[..., _T], *args: Any) -> _T:
    """``build(*args)`` with the cyclic garbage collector paused.

    A batch and its export allocate millions of small acyclic objects (none of them in a
    reference cycle, so reference counting frees them all): the collector would rescan the
    growing result over and over, about a third of the time of a 100,000-row batch. (A plain
    call rather than a generator context manager, which measured slower here.)
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build(*args)
    finally:
        if collecting:
            gc.enable()


def _evaluate_rows(rows: Iterable[Mapping[str, object]], as_of: date, rules: Rules) -> Batch:
    """The batch, column by column where it can be.

    First every row's id is checked in order (as one row at a time would). Rows given as plain
    dicts are then grouped by their field names; each fact is parsed for the whole group at
    once (``parse_column``) and each measure evaluated over the whole group (_evaluate_columns).
    A row with a field the column parser leaves aside (unknown, blank, "25%", "1,234", a bad
    value...) is parsed and evaluated on its own, which gives its value or its error exactly.
    """
    compiled = _compiled(rules)
    specs = rules.facts
    outcomes: list[RowResult | RowError | None] = []
    groups: dict[tuple[str, ...], list[int]] = {}
    todo: list[tuple[int, str, Mapping[str, object]]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        is_dict = type(row) is dict
        raw_id = row.get("id") if is_dict or isinstance(row, Mapping) else None
        row_id = (raw_id.strip() if type(raw_id) is str else str(raw_id).strip()) if raw_id is not None else None
        if not row_id or row_id in seen:
            if not is_dict and not isinstance(row, Mapping):
                error = DomainError("incentives.row", "每条记录应为字段到数值的映射")
            elif not row_id:
                row_id, error = None, DomainError("incentives.id_missing", "记录缺少企业标识(id)", field="id")
            else:
                error = DomainError("incentives.id_duplicate", f"企业标识(id) {row_id} 重复", field="id")
            outcomes.append(RowError(index, row_id, error.code, error.message, error.field))
            continue
        seen.add(row_id)
        outcomes.append(None)  # filled below
        if is_dict:
            groups.setdefault(tuple(row), []).append(len(todo))
        todo.append((index, row_id, row))
    slow = set(range(len(todo)))
    for names, members in groups.items():
        if any(name not in specs and name not in RESERVED for name in names):
            continue  # an unknown field: the per-row path names it (or an earlier bad field)
        facts = tuple(name for name in names if name in specs)
        columns = []
        unclear_at: dict[int, set[str]] = {}
        bad: set[int] = set()
        group_rows = [todo[k][2] for k in members]
        # All the group's columns in one pass (itemgetter gives each row's values as a tuple).
        raw_columns = list(zip(*map(itemgetter(*facts), group_rows), strict=True)) if len(facts) > 1 else (
            [[row[facts[0]] for row in group_rows]] if facts else []
        )
        for name, raw in zip(facts, raw_columns, strict=True):
            column, unclear, slow_at = parse_column(specs[name], list(raw))
            columns.append(column)
            for position in unclear:
                unclear_at.setdefault(position, set()).add(name)
            bad.update(slow_at)
        keep = list(range(len(members)))
        if bad:
            keep = [p for p in keep if p not in bad]
            if len(keep) > 1:
                kept = itemgetter(*keep)
                columns = [list(kept(column)) for column in columns]
            else:
                columns = [[column[p] for p in keep] for column in columns]
            renumber = {p: j for j, p in enumerate(keep)}
            unclear_at = {renumber[p]: names_ for p, names_ in unclear_at.items() if p in renumber}
        if not keep:
            continue
        try:
            evaluations = _evaluate_columns(compiled, facts, columns, len(keep), unclear_at or None, as_of)
        except DomainError:
            continue  # the per-row path says which row and field
        for p, evaluation in zip(keep, evaluations, strict=True):
            k = members[p]
            index, row_id, _ = todo[k]
            slow.discard(k)
            outcomes[index] = RowResult(index, row_id, evaluation)
    for k in sorted(slow):
        index, row_id, row = todo[k]
        try:
            evaluation = _evaluate_parsed(parse_facts_fast(row, rules), as_of, rules)
        except DomainError as error:
            outcomes[index] = RowError(index, row_id, error.code, error.message, error.field)
            continue
        outcomes[index] = RowResult(index, row_id, evaluation)
    results = tuple([o for o in outcomes if o.__class__ is RowResult])
    errors = tuple([o for o in outcomes if o.__class__ is RowError])
    return Batch(as_of, results, errors)


# ------------------------------------------------------------------------------ JSON


def _citation_dict(citation: Citation) -> dict[str, str]:
    return {"document": citation.document, "clause": citation.clause, "text": citation.text}


def evaluation_to_dict(evaluation: Evaluation, id: str | None = None, *, detail: bool = False) -> dict[str, Any]:
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
        "needs": [{"measure": n.measure, "field": n.field, "message": n.message} for n in evaluation.needs],
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
            {"measure": g.measure, "text": g.text, "citation": _citation_dict(g.citation)} for g in evaluation.guidance
        ]
        result["notes"] = list(evaluation.notes)
    return result


def _results_to_dicts(batch: Batch, detail: bool) -> list[dict[str, Any]]:
    return [evaluation_to_dict(row.evaluation, row.id, detail=detail) for row in batch.results]


def to_dict(batch: Batch, *, detail: bool = False) -> dict[str, Any]:
    """``{"results": [...], "errors": [...]}`` as in issue 7 §5, amounts as "yuan.fen" strings."""
    results = _collector_paused(_results_to_dicts, batch, detail)
    return {
        "results": results,
        "errors": [
            {"index": e.index, "id": e.id, "code": e.code, "message": e.message, "field": e.field}
            for e in batch.errors
        ],
    }


def to_json(batch: Batch, *, detail: bool = False, indent: int | None = None) -> str:
    """The batch as one JSON document (UTF-8 Chinese kept readable)."""
    return _collector_paused(_dumps, to_dict(batch, detail=detail), indent)


def _dumps(document: dict[str, Any], indent: int | None) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent)


def guidance(rules: Rules | None = None) -> tuple[Guidance, ...]:
    """The parts of measures 9, 10 and 16 that are no formula, each with its clause.

    Source: 城政办发〔2024〕5号 9, 10, 16
    """
    rules = rules or default_rules()
    return tuple(Guidance(m.number, m.guidance, m.citation) for m in rules.measures if m.guidance)
