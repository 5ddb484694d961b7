"""What the engine gives: awards, needs, near misses, guidance, an enterprise's evaluation, a batch.

Awards and near misses render their Chinese sentence when read (see Award); a batch's rows are
built from its decisions when first read (see RowResult).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from chengqu.common import Citation
from chengqu.incentives.measures import Rules, default_rules
from chengqu.incentives.text import money_text, plain

ZERO = Decimal(0)


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


class MissText:
    """The fixed parts of one near-miss sentence (per tier and condition, built once per rule set)."""

    __slots__ = ("head", "kind", "strict", "tail", "unit")

    def __init__(self, head: str, kind: str, unit: str, *, strict: bool, tail: str) -> None:
        self.head, self.kind, self.unit, self.strict, self.tail = head, kind, unit, strict, tail

    def render(self, gap: Decimal, integral: bool) -> str:
        if self.kind == "money":
            shown = money_text(gap)
        elif self.kind == "percent":
            shown = f"{plain(gap)}个百分点"
        else:
            shown = f"{plain(gap)}{self.unit}"
        need = "需超过" if self.strict and not integral else ""
        return f"{self.head}{shown}{need}{self.tail}"


_NO_MISS_TEXT = MissText("", "", "", strict=False, tail="")


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
    text: MissText = _NO_MISS_TEXT
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
    the rows evaluated together all at once (see chengqu.incentives.fastpath), so a summary of
    100,000 rows does not build the millions of objects it does not look at.
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
