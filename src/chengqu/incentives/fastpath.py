"""The fast path of the 开门红 engine: compiled rule tables, caches and whole-column evaluation.

Nothing here decides what a measure pays: chengqu.incentives.rules does, measure by measure.
This module makes it cheap for 100,000 enterprises: each rule set is compiled once into plain
tables (per tier its amount rounded, its citation, the fixed parts of its sentences), every
measure is evaluated a column at a time over the rows that give its facts, outcomes are
cached per band of values (see _Band), per store area and per tour group, and the Chinese text
is rendered only when read. chengqu.incentives.reference is the plain version this must equal.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from chengqu.common import Citation, DomainError, round_fen
from chengqu.common.bulk import collector_paused
from chengqu.incentives import rules as rule
from chengqu.incentives.facts import (
    RESERVED,
    ParsedFacts,
    TravelGroup,
    parse_column,
    parse_facts_fast,
)
from chengqu.incentives.measures import Measure, Rules, Tier
from chengqu.incentives.results import (
    Award,
    Batch,
    Evaluation,
    Guidance,
    MissText,
    NearMiss,
    Need,
    RowError,
    RowResult,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# ------------------------------------------------------------------------------ compiled rules


class _CTier:
    """One tier, compiled: its amount rounded, its citation, the tail of its reason."""

    __slots__ = ("amount", "citation", "key", "name", "paid", "reason_tail", "tier")

    def __init__(self, measure: Measure, tier: Tier) -> None:
        self.tier = tier
        self.name = tier.name
        self.amount = tier.amount
        self.key = tier.amount or ZERO
        self.paid = round_fen(tier.amount) if tier.amount is not None else None
        self.citation = measure.tier_citation(tier)
        self.reason_tail = rule.tier_reason_tail(measure, tier)


class _CMeasure:
    """One measure, compiled: its tiers, the Need for each fact, its guidance, its caches."""

    __slots__ = (
        "assumes",
        "band_cache",
        "bands",
        "columns",
        "compiled",
        "facts",
        "group_cache",
        "guidance",
        "measure",
        "miss_texts",
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
        self.tiers = tuple(_CTier(measure, t) for t in measure.tiers)
        # A tier of the rule table to its compiled form, and per (tier, condition) the fixed
        # parts of the near-miss sentence.
        self.compiled = {id(ct.tier): ct for ct in self.tiers}
        self.miss_texts: dict[tuple[int, int], MissText] = {
            (id(t), id(c)): rule.miss_text(measure, t, c, rules)
            for t in measure.tiers
            for c in t.conditions
        }
        self.needs = {
            f: Need(measure.number, f, rule.need_message(measure, rules.facts[f]))
            for f in measure.facts
        }
        self.guidance = (
            Guidance(measure.number, measure.guidance, measure.citation)
            if measure.guidance
            else None
        )
        self.assumes = rule.assumes_note(measure)
        self.columns: Callable[[_CMeasure, list[list[Any]], int], _Columns] = _KINDS.get(
            measure.kind, _nothing
        )
        # Per fact the sorted distinct thresholds of its conditions (see _Band), and per band
        # the outcome worked out once.
        self.bands: tuple[tuple[str, list[Decimal]], ...] = tuple(
            (f, sorted({c.threshold for t in measure.tiers for c in t.conditions if c.fact == f}))
            for f in measure.facts
        )
        self.band_cache: dict[Any, _Band] = {}
        self.rate_cache: dict[Any, _Band] = {}
        self.store_cache: dict[int, Tier | None] = {}
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

    def store_tier(self, area: Decimal) -> Tier | None:
        """rules.store_tier, worked out once per band of areas (see _Band)."""
        thresholds = self.thresholds
        band = bisect_left(thresholds, area) + bisect_right(thresholds, area)
        known = self.store_cache.get(band, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[no-any-return]
        tier = self.store_cache[band] = rule.store_tier(self.measure, area)
        return tier


class _Compiled:
    """A whole rule set, compiled; kept per Rules object (rule sets are few and immutable)."""

    __slots__ = ("by_number", "fact_measure", "plans", "rules", "stacking_note")

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.by_number = {m.number: _CMeasure(m, rules) for m in rules.measures}
        self.fact_measure = {name: spec.measure for name, spec in rules.facts.items()}
        self.stacking_note = rule.stacking_note(rules)
        self.plans: dict[tuple[date, tuple[str, ...]], _Plan] = {}


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rules: Rules) -> _Compiled:
    known = _COMPILED.get(id(rules))
    if known is None or known.rules is not rules:
        if len(_COMPILED) > 32:  # rule sets built in tests come and go
            _COMPILED.clear()
        known = _COMPILED[id(rules)] = _Compiled(rules)
    return known


# ------------------------------------------------------------------------------ columns
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
_UNKNOWN: Any = object()


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
    """The band ``row`` falls in, worked out from the row by the rules (once per band).

    ``above_best``: near misses only for tiers paying more than the best one (tiers); rate and
    cost measures list every tier one bound away when their single tier is not met.
    """
    m = cm.measure
    values = dict(zip(cm.facts, row, strict=True))
    found = rule.best_tier(m.tiers, values)
    best = cm.compiled[id(found)] if found is not None else None
    above = best.amount if above_best and best is not None and best.amount is not None else ZERO
    picks = []
    for _, tier, condition, integral in rule.near_tiers(m.tiers, values, above):
        text = cm.miss_texts[(id(tier), id(condition))]
        picks.append(
            (
                condition.threshold,
                cm.facts.index(condition.fact),
                condition.strict and integral,
                (cm.number, tier.name, condition.fact),
                (text.unit, tier.amount, text, integral),
            )
        )
    award = (
        (m.number, best.name, best.paid, best.citation, m.one_off, m.lead_unit, False)
        if best is not None and best.amount is not None
        else None
    )
    return _Band(best, tuple(picks), award, bool(m.tiers) and rule.qualifies(m.tiers[0], values))


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
    reason = (rule.tiers_reason, (cm.specs, row, band.best.reason_tail))  # type: ignore[union-attr]
    return _new(Award, (*band.award, reason))  # type: ignore[misc]


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
    ct = cm.tiers[0]
    raw, capped, amount = rule.rate_pay(m, row[0])
    return Award(
        m.number,
        ct.name,
        round_fen(amount),
        ct.citation,
        m.one_off,
        m.lead_unit,
        estimate=False,
        why=(rule.rate_reason, (m, cm.specs, row, raw, capped, amount)),
    )


def _rate(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return _single_tier(cm, cols, n, _rate_award)


def _cost_award(cm: _CMeasure, row: _Row) -> Award:
    m = cm.measure
    ct = cm.tiers[0]
    costs: Decimal = row[cm.facts.index(m.cost_fact)]
    amount = rule.cost_subsidy_pay(m, costs)
    return Award(
        m.number,
        ct.name,
        round_fen(amount),
        ct.citation,
        m.one_off,
        m.lead_unit,
        estimate=True,
        why=(rule.cost_reason, (m, cm.specs, row, costs, amount)),
    )


def _cost_subsidy(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    return _single_tier(cm, cols, n, _cost_award)


def _per_store(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    m = cm.measure
    awards: list[Award | None] = [None] * n
    notes: list[list[str] | None] | None = None
    thresholds = cm.thresholds
    known = cm.store_cache
    titles = cm.store_titles
    tier_of = cm.store_tier
    for i, areas in enumerate(cols[0]):
        total = ZERO
        count = 0
        for area in areas:
            best = known.get(
                bisect_left(thresholds, area) + bisect_right(thresholds, area), _UNKNOWN
            )
            if best is _UNKNOWN:
                best = tier_of(area)
            if best is not None and best.amount is not None:
                total += best.amount
                count += 1
        if count:
            title = titles.get(count)
            if title is None:
                title = titles[count] = rule.stores_title(count)
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
                    (rule.stores_reason, (tier_of, areas, total)),
                ),
            )
        elif not areas:
            if notes is None:
                notes = [None] * n
            notes[i] = [rule.NO_STORES]
    return awards, None, notes


def _travel_band(cm: _CMeasure, counted_guests: int) -> tuple[bool, list[NearMiss]]:
    """Whether the guests counted meet the tier, else its near misses (once per band of counts)."""
    thresholds = cm.thresholds
    band = bisect_left(thresholds, counted_guests) + bisect_right(thresholds, counted_guests)
    known = cm.travel_cache.get(band)
    if known is None:
        tiers = cm.measure.tiers
        point = {"counted_guests": counted_guests}
        met = rule.qualifies(tiers[0], point)
        # Kept as the pieces of a near miss (its shortfall is the row's own).
        picks = []
        if not met:
            for gap, tier, condition, integral in rule.near_tiers(tiers, point, ZERO):
                text = cm.miss_texts[(id(tier), id(condition))]
                picks.append(
                    (
                        (cm.number, tier.name, condition.fact),
                        gap + counted_guests,
                        (text.unit, tier.amount, text, integral),
                    )
                )
        known = cm.travel_cache[band] = (met, picks)
    met, picks = known
    if not picks:
        return met, []
    return met, [
        _new(NearMiss, (*head, threshold - counted_guests, *tail))
        for head, threshold, tail in picks
    ]


def _travel(cm: _CMeasure, cols: list[list[Any]], n: int) -> _Columns:
    m = cm.measure
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
                counted = rule.tour_group(m, group)
                if len(known) > 100_000:
                    known.clear()
                known[group] = counted
            if counted[1] is None:
                if row_notes is None:
                    row_notes = []
                note = left_out.get((index, counted[0]))
                if note is None:
                    note = left_out[(index, counted[0])] = rule.left_out_note(index, counted[0])
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
        amount, capped = rule.travel_pay(m, raw)
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
                (rule.travel_reason, (m, counted_guests, raw, capped)),
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


# ------------------------------------------------------------------------------ rows

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
        steps.append((cm, missing, rule.window_note(cm.measure, as_of)))
    if len(compiled.plans) > 4096:  # rows with ever new sets of facts: start again
        compiled.plans.clear()
    plan = compiled.plans[key] = (tuple(steps), tuple(guidance))
    return plan


def evaluate_parsed(parsed: ParsedFacts, as_of: date, rules: Rules) -> Evaluation:
    """One enterprise's parsed facts, evaluated (a group of one row)."""
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
        self.assumes = cm.assumes
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
            row = {fact: col[i] for fact, col in zip(cm.facts, cols, strict=True)}
            shown, as_pct, as_frac = rule.unclear_growth(cm.measure, rules, unclear, row)
            cell = m.cells[i]
            if (_amount(cell) or ZERO) != (_amount(other) or ZERO):
                question = rule.unit_question(
                    cm.measure, shown, as_pct, as_frac, _amount_text(cell), _amount_text(other)
                )
                group.asked.setdefault(i, {})[step] = [
                    Need(cm.number, fact, question) for fact in unclear
                ]
                m.asked.add(i)
                continue
            m.first_notes[i] = rule.unit_note(cm.measure, shown, as_pct, as_frac)
    return group


def evaluate_rows(rows: Iterable[Mapping[str, object]], as_of: date, rules: Rules) -> Batch:
    """The batch, column by column where it can be (engine.evaluate_many checks ``as_of``).

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
            evaluation = evaluate_parsed(parse_facts_fast(row, rules), as_of, rules)
        except DomainError as error:
            outcomes[index] = RowError(index, row_id, error.code, error.message, error.field)
            continue
        outcomes[index] = RowResult(index, row_id, evaluation)
    results = tuple([o for o in outcomes if o.__class__ is RowResult])
    errors = tuple([o for o in outcomes if o.__class__ is RowError])
    return Batch(as_of, results, errors)
