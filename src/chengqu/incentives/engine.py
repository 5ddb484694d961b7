"""The 开门红 engine: an enterprise's facts in, its awards, missing facts and near misses out."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from chengqu.common import Citation, DomainError, round_fen
from chengqu.common.bulk import collector_paused
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
        return (
            self.measure,
            self.tier,
            self.amount,
            self.citation,
            self.one_off,
            self.lead_unit,
            self.estimate,
            self.reason,
        )

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
        return (
            self.measure,
            self.tier,
            self.field,
            self.shortfall,
            self.unit,
            self.amount,
            self.message,
        )

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


class RowResult:
    """One good row of a batch: its position, its id and its evaluation.

    A batch decides every row when it is evaluated; the rows' Evaluation objects (their Award,
    NearMiss and note objects) are built from those decisions the first time one is read, for
    the rows evaluated together all at once (see _Group.row), so a summary of 100,000 rows does
    not build the millions of objects it does not look at.
    """

    __slots__ = ("_evaluation", "_group", "_position", "id", "index")

    def __init__(
        self,
        index: int,
        id: str,
        evaluation: Evaluation | None = None,
        *,
        group: Any = None,
        position: int = 0,
    ) -> None:
        if evaluation is None and group is None:
            raise ValueError("a row result needs its evaluation or its group")
        self.index = index
        self.id = id
        self._evaluation = evaluation
        self._group = group
        self._position = position

    @property
    def evaluation(self) -> Evaluation:
        evaluation = self._evaluation
        if evaluation is None:
            evaluation = self._evaluation = self._group.row(self._position)
        return evaluation

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RowResult):
            return NotImplemented
        return (self.index, self.id, self.evaluation) == (other.index, other.id, other.evaluation)

    def __hash__(self) -> int:
        return hash((self.index, self.id))

    def __repr__(self) -> str:
        return f"RowResult(index={self.index!r}, id={self.id!r}, evaluation={self.evaluation!r})"


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
        for measure, (count, total) in self._paid().items():
            counts[measure] = count
            totals[measure] = total
        return tuple(
            MeasureTotal(m.number, m.title, counts.get(m.number, 0), totals.get(m.number, ZERO))
            for m in rules.measures
            if m.kind != "guidance"
        )

    @property
    def total(self) -> Decimal:
        return sum((total for _, total in self._paid().values()), ZERO)

    def _paid(self) -> dict[int, tuple[int, Decimal]]:
        """Per measure, how many awards and their sum, read from the decisions (rows not built)."""
        paid: dict[int, tuple[int, Decimal]] = {}

        def add(measure: int, count: int, total: Decimal) -> None:
            known = paid.get(measure, (0, ZERO))
            paid[measure] = (known[0] + count, known[1] + total)

        groups: dict[int, Any] = {}
        for row in self.results:
            group = row._group
            if group is None:
                for award in row.evaluation.awards:
                    add(award.measure, 1, award.amount)
            elif id(group) not in groups:
                groups[id(group)] = group
        for group in groups.values():
            for measure, (count, total) in group.paid().items():
                add(measure, count, total)
        return paid


# ------------------------------------------------------------------------------ formatting


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5E+3 → '5000', 2.50 → '2.5'."""
    text = str(number)
    if "E" in text or (
        "." in text and text[-1] == "0"
    ):  # str() already is the plain form otherwise
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
            f", 符合“{tier.text}”, {once}奖励{_award_text(tier.amount)}"
            if tier.amount is not None
            else ""
        )
        self.checks: tuple[_Check, ...] = tuple(
            (c.fact, c.op, c.threshold, c, _miss_text(measure, tier, c, rules))
            for c in tier.conditions
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
        f"第{measure.number}条: {label}差",
        kind,
        unit,
        strict=condition.strict,
        tail=f"达到下一档“{tier.name}”{prize}",
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
        "store_titles",
        "thresholds",
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
            f: Need(
                measure.number,
                f,
                f"第{measure.number}条“{measure.title}”还需要: {rules.facts[f].label}({f})",
            )
            for f in measure.facts
        }
        self.guidance = (
            Guidance(measure.number, measure.guidance, measure.citation)
            if measure.guidance
            else None
        )
        self.columns: Callable[[_CMeasure, list[list[Any]], int], _Columns] = _KINDS.get(
            measure.kind, _nothing
        )
        # Per fact the sorted distinct thresholds of its conditions (see _tiers), and per band
        # the outcome worked out once.
        self.bands: tuple[tuple[str, list[Decimal]], ...] = tuple(
            (f, sorted({c.threshold for t in measure.tiers for c in t.conditions if c.fact == f}))
            for f in measure.facts
        )
        self.band_cache: dict[Any, _Band] = {}
        self.rate_cache: dict[Any, _Band] = {}
        self.store_cache: dict[int, _CTier | None] = {}
        self.store_titles: dict[int, str] = {}
        # Every threshold of every condition, sorted: the bands of a measure judged on one
        # derived quantity (11: a store's area; 15: the guests counted).
        self.thresholds = sorted({c.threshold for t in measure.tiers for c in t.conditions})
        # Measure 15: per tour group (guests, nights, spots, hotel), why it does not count or its amount.
        self.group_cache: dict[TravelGroup, tuple[str | None, Decimal | None]] = {}
        self.note_cache: dict[tuple[int, str | None], str] = {}
        self.travel_cache: dict[
            int, tuple[bool, list[tuple[tuple[Any, ...], Decimal, tuple[Any, ...]]]]
        ] = {}


class _Compiled:
    """A whole rule set, compiled; kept per Rules object (rule sets are few and immutable)."""

    __slots__ = ("by_number", "fact_measure", "plans", "rules", "stacking_note")

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.by_number = {m.number: _CMeasure(m, rules) for m in rules.measures}
        self.fact_measure = {name: spec.measure for name, spec in rules.facts.items()}
        self.stacking_note = (
            f"符合多项奖励条件, 按{rules.document}末段“符合多项奖励条件的分别进行申报”分别申报"
        )
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
_Columns = tuple[list[Any], "list[list[NearMiss] | None] | None", "list[list[str] | None] | None"]
_new = tuple.__new__


def _shortfall(condition: Condition, value: Decimal | int, integral: bool) -> Decimal:
    gap = condition.threshold - value
    if condition.strict and integral:
        gap += 1
    return Decimal(gap)


_TWO_MISSED: Any = object()


def _scan(
    cm: _CMeasure, values: Mapping[str, Any]
) -> tuple[_CTier | None, list[tuple[_CTier, _Check]]]:
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


def _nearest(
    candidates: list[tuple[_CTier, _Check]], above: Decimal, values: Mapping[str, Any]
) -> list[tuple[Decimal, _CTier, _Check, bool]]:
    """Per fact, the nearest tier paying more than ``above`` that a single unmet lower bound keeps
    out of reach: (shortfall, tier, the unmet check, whether the value is a count)."""
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
    return list(nearest.values())


def _misses(
    cm: _CMeasure,
    candidates: list[tuple[_CTier, _Check]],
    above: Decimal,
    values: Mapping[str, Any],
) -> list[NearMiss]:
    """The near misses themselves (see _nearest)."""
    return [
        NearMiss(cm.number, ct.name, check[0], gap, check[4].unit, ct.amount, check[4], integral)
        for gap, ct, check, integral in _nearest(candidates, above, values)
    ]


def _facts_text(cm: _CMeasure, row: _Row) -> str:
    return "、".join(
        f"{spec.short_label}{_fact_text(spec, value)}"
        for spec, value in zip(cm.specs, row, strict=True)
    )


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
    picks = []
    for _, ct, check, integral in _nearest(candidates, above, values):
        text = check[4]
        picks.append(
            (
                check[2],
                cm.facts.index(check[0]),
                check[3].strict and integral,
                (cm.number, ct.name, check[0]),
                (text.unit, ct.amount, text, integral),
            )
        )
    m = cm.measure
    award = (
        (m.number, best.name, best.paid, best.citation, m.one_off, m.lead_unit, False)
        if best is not None and best.amount is not None
        else None
    )
    return _Band(best, tuple(picks), award, bool(cm.tiers) and _passes(cm.tiers[0], values))


def _band_keys(cm: _CMeasure, cols: list[list[Any]], n: int) -> list[Any]:
    """Per row, the key of its band: one int, the facts' interval numbers in mixed radix.

    A fact with t thresholds has 2t + 1 intervals (below, on, between... above), numbered
    bisect_left + bisect_right; the key is one int rather than a tuple, so a batch of 100,000
    rows allocates nothing for its keys.
    """
    keys: list[int] | None = None
    for (_, thresholds), col in zip(cm.bands, cols, strict=True):
        if not thresholds:
            continue
        if keys is None:
            keys = [bisect_left(thresholds, v) + bisect_right(thresholds, v) for v in col]
        else:
            radix = 2 * len(thresholds) + 1
            keys = [
                key * radix + bisect_left(thresholds, v) + bisect_right(thresholds, v)
                for key, v in zip(keys, col, strict=True)
            ]
    return [0] * n if keys is None else keys


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


def _band_of(
    cm: _CMeasure, cache: dict[Any, _Band], key: Any, row: _Row, *, above_best: bool
) -> _Band:
    if len(cache) > 100_000:  # rule sets are immutable; a cache this size is one of many keys
        cache.clear()
    band = cache[key] = _band(cm, row, above_best=above_best)
    return band


def _tiers(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    """Per row, its band (see _Band): it decides the award and which tiers are near.

    The cells are the bands themselves; a row's Award and NearMiss objects are built from its
    band and its own values when the row is read (_Group.evaluation).
    """
    cache = cm.band_cache
    keys = _band_keys(cm, cols, n)
    bands: list[Any] = list(map(cache.get, keys))
    for i in [i for i, band in enumerate(bands) if band is None]:
        band = cache.get(keys[i])
        if band is None:
            band = _band_of(cm, cache, keys[i], tuple(col[i] for col in cols), above_best=True)
        bands[i] = band
    return bands, None, None


def _band_award(cm: _CMeasure, band: _Band, row: _Row) -> Award:
    return _new(Award, (*band.award, (_tiers_reason, (cm, row, band.best))))  # type: ignore[misc]


def _rate_reason(cm: _CMeasure, row: _Row, raw: Decimal, capped: bool, amount: Decimal) -> str:
    m = cm.measure
    assert m.cap is not None
    reason = f"{_facts_text(cm, row)}, 符合“{m.tiers[0].text}”, 按{m.rate_text}计{_plain(round_fen(raw))}元"
    if capped:
        reason += f", {m.cap_text}, 奖励{_award_text(m.cap)}"
    else:
        reason += f", 奖励{round_fen(amount)}元"
    return reason


def _single_tier(
    cm: _CMeasure, cols: list[list[Any]], n: int, pay: Callable[[_CMeasure, _Row], Award]
) -> _Columns:
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
        m.number,
        ct.name,
        round_fen(amount),
        ct.citation,
        m.one_off,
        m.lead_unit,
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
        m.number,
        ct.name,
        round_fen(amount),
        ct.citation,
        m.one_off,
        m.lead_unit,
        estimate=True,
        why=(_cost_reason, (cm, row, costs, amount)),
    )


def _cost_subsidy(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return _single_tier(cm, cols, n, _cost_award)


def _store_reason(cm: _CMeasure, areas: tuple[Decimal, ...], total: Decimal) -> str:
    lines = []
    for index, area in enumerate(areas, start=1):
        ct = _store_tier(cm, area)
        if ct is not None and ct.amount is not None:
            lines.append(f"门店{index} {_plain(area)}m²: {ct.name}, {_award_text(ct.amount)}")
    return "; ".join(lines) + f"; 合计奖励{_award_text(total)}"


def _store_tier(cm: _CMeasure, area: Decimal) -> _CTier | None:
    """The best tier for one store's area, worked out once per band of areas (see _Band)."""
    thresholds = cm.thresholds
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
    thresholds = cm.thresholds
    known = cm.store_cache
    titles = cm.store_titles
    for i, areas in enumerate(cols[0]):
        total = ZERO
        count = 0
        for area in areas:
            best = known.get(
                bisect_left(thresholds, area) + bisect_right(thresholds, area), _TWO_MISSED
            )
            if best is _TWO_MISSED:
                best = _store_tier(cm, area)
            if best is not None and best.amount is not None:
                total += best.amount
                count += 1
        if count:
            title = titles.get(count)
            if title is None:
                title = titles[count] = f"{count}家新增门店"
            awards[i] = _new(
                Award,
                (
                    m.number,
                    title,
                    round_fen(total),
                    m.citation,
                    m.one_off,
                    m.lead_unit,
                    False,
                    (_store_reason, (cm, areas, total)),
                ),
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
    thresholds = cm.thresholds
    band = bisect_left(thresholds, counted_guests) + bisect_right(thresholds, counted_guests)
    known = cm.travel_cache.get(band)
    if known is None:
        point = {"counted_guests": counted_guests}
        met = _passes(cm.tiers[0], point)
        found = [] if met else _misses(cm, _scan(cm, point)[1], ZERO, point)
        # Kept as the pieces of a near miss (its shortfall is the row's own).
        known = cm.travel_cache[band] = (
            met,
            [(nm[:3], nm[3] + counted_guests, nm[4:]) for nm in found],
        )
    met, picks = known
    if not picks:
        return met, []
    return met, [
        _new(NearMiss, (*head, threshold - counted_guests, *tail))
        for head, threshold, tail in picks
    ]


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
                    None
                    if why_not is not None
                    else min(m.per_night * group.nights, m.per_stay_cap) * group.guests,
                )
                if len(known) > 100_000:
                    known.clear()
                known[group] = counted
            if counted[1] is None:
                if row_notes is None:
                    row_notes = []
                note = left_out.get((index, counted[0]))
                if note is None:
                    note = left_out[(index, counted[0])] = (
                        f"第15条: 团队{index}不计入({counted[0]})"
                    )
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
        awards[i] = _new(
            Award,
            (
                m.number,
                ct.name,
                round_fen(amount),
                ct.citation,
                m.one_off,
                m.lead_unit,
                False,
                (_travel_reason, (cm, counted_guests, raw, capped)),
            ),
        )
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
    return _evaluate_columns(
        _compiled(rules), tuple(values), [[v] for v in values.values()], 1, unclear, as_of
    ).evaluation(0)


def _amount(cell: Award | _Band | None) -> Decimal | None:
    """What a cell pays (None: no award): an Award, or a band whose best tier pays."""
    if cell is None:
        return None
    if isinstance(cell, _Band):
        return cell.award[2] if cell.award is not None else None
    return cell.amount


def _amount_text(cell: Award | _Band | None) -> str:
    amount = _amount(cell)
    return f"奖励{amount}元" if amount is not None else "无奖励"


class _Measured:
    """One measure over a group of rows: its cells and what its notes need."""

    __slots__ = (
        "asked",
        "assumes",
        "banded",
        "cells",
        "cm",
        "cols",
        "extras",
        "first_notes",
        "misses",
        "window_note",
    )

    def __init__(
        self,
        cm: _CMeasure,
        cols: list[list[Any]],
        columns: _Columns,
        window_note: str | None,
    ) -> None:
        self.cm = cm
        self.cols = cols
        self.banded = cm.columns is _tiers
        self.cells, self.misses, self.extras = columns
        self.window_note = window_note
        self.assumes = cm.measure.assumes_note if cm.measure.assumes else None
        self.first_notes: dict[int, str] = {}
        self.asked: set[int] = set()


class _Group:
    """Rows that give the same facts, evaluated a measure at a time; a row is assembled when read.

    The decisions are all made when the group is built: per measure and row, the band (which
    tier pays, which tiers are one bound away) or the award, the unit questions, the notes'
    sources. ``evaluation(i)`` then builds row i's Award, NearMiss and Evaluation objects and
    renders nothing (reasons and messages are rendered when read, see Award).
    """

    __slots__ = (
        "as_of",
        "asked",
        "batch",
        "built",
        "guidance",
        "measured",
        "n",
        "paid_by_measure",
        "plan_needs",
        "stacking",
        "stacking_note",
        "steps",
    )

    def __init__(
        self,
        compiled: _Compiled,
        steps: tuple[_Step, ...],
        guidance: tuple[Guidance, ...],
        as_of: date,
        n: int,
    ) -> None:
        self.as_of = as_of
        self.n = n
        self.built: list[Evaluation] | None = None
        self.paid_by_measure: dict[int, tuple[int, Decimal]] | None = None
        # The groups of the same batch (built together, see row()).
        self.batch: list[_Group] = [self]
        self.steps = steps
        self.guidance = guidance
        self.measured: list[_Measured] = []
        self.plan_needs = tuple(need for _, missing, _ in steps for need in missing)
        # Rows whose unit question stops a measure: per row, per step, the needs asking it.
        self.asked: dict[int, dict[int, list[Need]]] = {}
        self.stacking = compiled.rules.stacking
        self.stacking_note = compiled.stacking_note

    def row(self, i: int) -> Evaluation:
        """Row i's Evaluation. The first row read builds every row of the batch, with the
        cyclic collector paused: whoever reads a batch's rows reads them all (the export, the
        stored results), and built one by one among millions of live objects they would cost
        the collector several times the building (measured: 9 s instead of 2 s for 100,000
        rows of every measure)."""
        if self.built is None:
            collector_paused(_build, self.batch)
        return self.built[i]  # type: ignore[index]

    def evaluation(self, i: int) -> Evaluation:
        awards: list[Award] = []
        near: list[NearMiss] = []
        notes: list[str] = []
        for m in self.measured:
            if m.asked and i in m.asked:
                continue
            if m.first_notes and i in m.first_notes:
                notes.append(m.first_notes[i])
            cell = m.cells[i]
            paid = False
            if m.banded:
                if cell.award is not None or cell.picks:
                    row = tuple([col[i] for col in m.cols])
                    if cell.award is not None:
                        awards.append(_band_award(m.cm, cell, row))
                        paid = True
                    if cell.picks:
                        near.extend(_near(cell, row))
            else:
                if cell is not None:
                    awards.append(cell)
                    paid = True
                if m.misses is not None and m.misses[i]:
                    near.extend(m.misses[i])  # type: ignore[arg-type]
            if paid and m.assumes is not None:
                notes.append(m.assumes)
            if m.extras is not None and m.extras[i]:
                notes.extend(m.extras[i])  # type: ignore[arg-type]
            if m.window_note is not None:
                notes.append(m.window_note)
        if len(awards) > 1:
            total = sum([a[2] for a in awards], ZERO)
            citations: tuple[Citation, ...] = (*[a.citation for a in awards], self.stacking)
            notes.append(self.stacking_note)
        elif awards:
            total = ZERO + awards[0].amount
            citations = (awards[0].citation,)
        else:
            total = ZERO
            citations = ()
        needs = self.plan_needs
        if i in self.asked:
            questions = self.asked[i]
            needs = tuple(
                need
                for step, (_, missing, _) in enumerate(self.steps)
                for need in (*missing, *questions.get(step, ()))
            )
        return _new(
            Evaluation,
            (
                self.as_of,
                tuple(awards),
                needs,
                tuple(near),
                self.guidance,
                total,
                citations,
                tuple(notes),
            ),
        )

    def paid(self) -> dict[int, tuple[int, Decimal]]:
        """Per measure, how many rows of the group it pays and their sum (rows not built)."""
        if self.paid_by_measure is not None:
            return self.paid_by_measure
        paid = {}
        for m in self.measured:
            cells = m.cells
            if m.asked:
                cells = [None if i in m.asked else cell for i, cell in enumerate(cells)]
            if m.banded:
                amounts = [
                    band.award[2] for band in cells if band is not None and band.award is not None
                ]
            else:
                amounts = [award[2] for award in cells if award is not None]
            if amounts:
                paid[m.cm.number] = (len(amounts), sum(amounts, ZERO))
        self.paid_by_measure = paid
        return paid


def _build(groups: list[_Group]) -> None:
    for group in groups:
        if group.built is None:
            group.built = [group.evaluation(j) for j in range(group.n)]


def _evaluate_columns(
    compiled: _Compiled,
    names: tuple[str, ...],
    columns: list[list[Any]],
    n: int,
    unclear_at: Mapping[int, frozenset[str] | set[str]] | None,
    as_of: date,
) -> _Group:
    """``n`` rows that give the facts ``names`` (one parsed value list per name), decided.

    Each measure whose facts are all given is evaluated over the whole column (see _KINDS).
    ``unclear_at`` maps a row to its growth facts whose unit is unclear (0.25: 25% or 0.25%?):
    where the two readings pay differently the measure asks instead of paying.
    """
    steps, guidance = _plan(compiled, names, as_of)
    group = _Group(compiled, steps, guidance, as_of, n)
    position = {name: k for k, name in enumerate(names)}
    rules = compiled.rules
    unclear_rows: dict[str, list[int]] = {}
    for i, unclear_names in (unclear_at or {}).items():
        for fact in unclear_names:
            unclear_rows.setdefault(fact, []).append(i)
    for step, (cm, missing, window_note) in enumerate(steps):
        if missing:
            continue
        cols = [columns[position[fact]] for fact in cm.facts]
        m = _Measured(cm, cols, cm.columns(cm, cols, n), window_note)
        group.measured.append(m)
        unsure = sorted({i for fact in cm.facts for i in unclear_rows.get(fact, ())})
        if not unsure:
            continue
        assert unclear_at is not None
        # The unit question, for all the measure's unsure rows at once: read as a fraction.
        scaled_cols = [
            [col[i] * HUNDRED if fact in unclear_at[i] else col[i] for i in unsure]
            for fact, col in zip(cm.facts, cols, strict=True)
        ]
        others = cm.columns(cm, scaled_cols, len(unsure))[0]
        for i, other in zip(unsure, others, strict=True):
            unclear = [fact for fact in cm.facts if fact in unclear_at[i]]
            row = [col[i] for col in cols]
            facts = rules.facts
            shown = "、".join(
                f"{facts[f].short_label}({f})={_plain(row[cm.facts.index(f)])}" for f in unclear
            )
            as_pct = "、".join(f"{_plain(row[cm.facts.index(f)])}%" for f in unclear)
            as_frac = "、".join(f"{_plain(row[cm.facts.index(f)] * HUNDRED)}%" for f in unclear)
            cell = m.cells[i]
            if (_amount(cell) or ZERO) != (_amount(other) or ZERO):
                number = cm.number
                group.asked.setdefault(i, {})[step] = [
                    Need(
                        number,
                        fact,
                        f"第{number}条: {shown} 单位不明: 按百分数即{as_pct}时{_amount_text(cell)}, "
                        f'若为小数即{as_frac}时{_amount_text(other)}; 请确认并以百分数填写(如 25 或 "25%" 表示 25%)',
                    )
                    for fact in unclear
                ]
                m.asked.add(i)
                continue
            m.first_notes[i] = (
                f"第{cm.number}条: {shown} 按百分数即{as_pct}理解; 若指{as_frac}, 结果相同"
            )
    return group


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
    return collector_paused(_evaluate_rows, rows, as_of, rules)


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
        row_id = (
            (raw_id.strip() if type(raw_id) is str else str(raw_id).strip())
            if raw_id is not None
            else None
        )
        if not row_id or row_id in seen:
            if not is_dict and not isinstance(row, Mapping):
                error = DomainError("incentives.row", "每条记录应为字段到数值的映射")
            elif not row_id:
                row_id, error = (
                    None,
                    DomainError("incentives.id_missing", "记录缺少企业标识(id)", field="id"),
                )
            else:
                error = DomainError(
                    "incentives.id_duplicate", f"企业标识(id) {row_id} 重复", field="id"
                )
            outcomes.append(RowError(index, row_id, error.code, error.message, error.field))
            continue
        seen.add(row_id)
        outcomes.append(None)  # filled below
        if is_dict:
            groups.setdefault(tuple(row), []).append(len(todo))
        todo.append((index, row_id, row))
    slow = set(range(len(todo)))
    evaluated: list[_Group] = []
    for names, members in groups.items():
        if any(name not in specs and name not in RESERVED for name in names):
            continue  # an unknown field: the per-row path names it (or an earlier bad field)
        facts = tuple(name for name in names if name in specs)
        columns = []
        unclear_at: dict[int, set[str]] = {}
        bad: set[int] = set()
        group_rows = [todo[k][2] for k in members]
        # Row by row (one pass over the dicts, kind to the memory cache), then transposed.
        if len(facts) > 1:
            raw_columns = [
                list(column) for column in zip(*map(itemgetter(*facts), group_rows), strict=True)
            ]
        else:
            raw_columns = [[row[name] for row in group_rows] for name in facts]
        for name, raw in zip(facts, raw_columns, strict=True):
            column, unclear, slow_at = parse_column(specs[name], raw)
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
            group = _evaluate_columns(
                compiled, facts, columns, len(keep), unclear_at or None, as_of
            )
        except DomainError:
            continue  # the per-row path says which row and field
        evaluated.append(group)
        group.batch = evaluated
        for j, p in enumerate(keep):
            k = members[p]
            index, row_id, _ = todo[k]
            slow.discard(k)
            outcomes[index] = RowResult(index, row_id, group=group, position=j)
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


def _results_to_dicts(batch: Batch, detail: bool) -> list[dict[str, Any]]:
    return [evaluation_to_dict(row.evaluation, row.id, detail=detail) for row in batch.results]


def to_dict(batch: Batch, *, detail: bool = False) -> dict[str, Any]:
    """``{"results": [...], "errors": [...]}`` as in issue 7 §5, amounts as "yuan.fen" strings."""
    results = collector_paused(_results_to_dicts, batch, detail)
    return {
        "results": results,
        "errors": [
            {"index": e.index, "id": e.id, "code": e.code, "message": e.message, "field": e.field}
            for e in batch.errors
        ],
    }


def to_json(batch: Batch, *, detail: bool = False, indent: int | None = None) -> str:
    """The batch as one JSON document (UTF-8 Chinese kept readable)."""
    return collector_paused(_dumps, to_dict(batch, detail=detail), indent)


def _dumps(document: dict[str, Any], indent: int | None) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent)


def guidance(rules: Rules | None = None) -> tuple[Guidance, ...]:
    """The parts of measures 9, 10 and 16 that are no formula, each with its clause.

    Source: 城政办发〔2024〕5号 9, 10, 16
    """
    rules = rules or default_rules()
    return tuple(Guidance(m.number, m.guidance, m.citation) for m in rules.measures if m.guidance)
