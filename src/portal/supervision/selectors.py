"""Reads of the supervision module, with the user's visibility applied."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)

from chengqu.supervision import (
    Action,
    Colour,
    PeriodResult,
    PeriodStatus,
    State,
    check_exposure,
    compliance,
    exposure_slots,
    obligations,
)
from chengqu.supervision.hazards import ExposureCheck
from chengqu.supervision.loop import COLOUR_LABELS, behind_margin, colour_code, due_soon_days
from portal.accounts.access import sees_all_units
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, roles_of
from portal.supervision.models import (
    Bulletin,
    Exposure,
    Hazard,
    LoopItem,
    ObligationRecord,
    SelfInspection,
    Venue,
)
from portal.supervision.workflow import ACTING_ROLES, VERIFIERS, needs_unit_member

OPEN_STATES = ("dispatched", "accepted", "in_progress", "returned")


def visible_items(user: User | AnonymousUser, kind: str = LoopItem.Kind.TASK) -> QuerySet[LoopItem]:
    """Items the user may see: all for oversight roles, else those of the user's unit (lead or co-unit)."""
    qs = LoopItem.objects.filter(kind=kind)
    if sees_all_units(user):
        return qs
    if not isinstance(user, User) or user.department_id is None:
        return qs.none()
    shared = LoopItem.co_units.through.objects.filter(department_id=user.department_id).values(
        "loopitem_id"
    )
    return qs.filter(Q(unit_id=user.department_id) | Q(pk__in=shared))


def item_get(*, user: User | AnonymousUser, pk: int) -> LoopItem | None:
    """The item ``pk`` if the user may see it, else None (missing and hidden alike)."""
    item = LoopItem.objects.filter(pk=pk).first()
    if item is None or not visible_items(user, item.kind).filter(pk=pk).exists():
        return None
    return item


def item_page(
    qs: QuerySet[LoopItem], *, number: str | None, related: tuple[str, ...], size: int = 50
) -> tuple[Page[Any], list[LoopItem]]:
    """A page of a ledger in two steps: the page's ids from the index alone (a deep page skips
    index entries, not joined rows), then those rows by primary key with ``related``, in order."""
    page = Paginator(qs.values_list("pk", flat=True), size).get_page(number)
    ids = list(page.object_list)
    found = {i.pk: i for i in LoopItem.objects.filter(pk__in=ids).select_related(*related)}
    return page, [found[pk] for pk in ids if pk in found]


def is_unit_member(*, user: User, item: LoopItem) -> bool:
    """Whether ``user`` belongs to the item's lead unit or one of its co-responsible units."""
    if user.department_id is None:
        return False
    if item.unit_id == user.department_id:
        return True
    return item.co_units.filter(pk=user.department_id).exists()


def item_actions(*, user: User, item: LoopItem) -> frozenset[Action]:
    """The loop's steps the workflow table lets ``user`` take on ``item`` by role and unit (which
    of them the item's state allows is the loop's own rule); none for a read-only account."""
    roles = roles_of(user)
    if Role.AUDITOR in roles and not (roles - {Role.AUDITOR}):
        return frozenset()
    member: bool | None = None
    allowed = set()
    for action, acting in ACTING_ROLES.items():
        if not roles & set(acting):
            continue
        if needs_unit_member(action):
            if member is None:
                member = is_unit_member(user=user, item=item)
            if not member:
                continue
        allowed.add(action)
    return frozenset(allowed)


def hazard_of(item: LoopItem) -> Hazard | None:
    """The hazard details of a hazard item, with its venue; None for a task."""
    return Hazard.objects.filter(item=item).select_related("venue").first()


def hazard_list(*, pks: list[str]) -> list[Hazard]:
    """The hazards with these primary keys (as a form posts them)."""
    return list(Hazard.objects.filter(pk__in=pks))


def hazard_state_counts(user: User | AnonymousUser) -> dict[str, int]:
    """How many hazards the user sees are in each state, every state named (0 if none)."""
    counted = dict(
        visible_items(user, LoopItem.Kind.HAZARD)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {s: counted.get(s, 0) for s, _ in LoopItem.State.choices}


def unit_list() -> QuerySet[Department]:
    """The active units, to choose from (a split's unit, a duty's unit)."""
    return Department.objects.filter(active=True).order_by("kind", "name")


def unit_get(pk: str | int | None) -> Department | None:
    """The unit ``pk`` (as a form posts it), or None."""
    return Department.objects.filter(pk=pk or 0).first()


def street_list(user: User) -> QuerySet[Department]:
    """The towns and streets the user may report a hazard in: its own if it belongs to one (and is
    not of the 督查室), else all active ones."""
    streets = Department.objects.filter(
        kind__in=(Department.Kind.TOWN, Department.Kind.STREET), active=True
    )
    if (
        user.department
        and user.department.kind in (Department.Kind.TOWN, Department.Kind.STREET)
        and not has_role(user, *VERIFIERS)
    ):
        streets = streets.filter(pk=user.department.pk)
    return streets


def street_get(*, user: User, pk: str | int | None) -> Department | None:
    """The town or street ``pk`` (as a form posts it) if the user may report a hazard in it."""
    return street_list(user).filter(pk=pk or 0).first()


def venue_list(user: User) -> QuerySet[Venue]:
    """The venues the user sees: all for the 督查室 and auditors, else those of its town or street."""
    venues = Venue.objects.select_related("street").order_by("street__name", "name")
    if not has_role(user, *VERIFIERS, Role.AUDITOR):
        venues = venues.filter(street_id=user.department_id or 0)
    return venues


def venue_get(*, user: User, pk: str | int | None) -> Venue | None:
    """The venue ``pk`` (as a form posts it) if the user sees it, else None."""
    return venue_list(user).filter(pk=pk or 0).first()


def self_inspection_list(user: User, limit: int = 50) -> list[SelfInspection]:
    """The latest self-inspection records of the venues the user sees."""
    return list(
        SelfInspection.objects.filter(venue__in=venue_list(user)).select_related("venue")[:limit]
    )


def exposure_candidates(user: User | AnonymousUser, limit: int = 30) -> QuerySet[Hazard]:
    """Open hazards the user sees, major and earliest due first, to name in a 大曝光."""
    open_items = visible_items(user, LoopItem.Kind.HAZARD).exclude(state=LoopItem.State.CLOSED)
    return (
        Hazard.objects.filter(item__in=open_items)
        .select_related("venue", "item")
        .order_by("-major", "item__due", "pk")[:limit]
    )


def exposure_list(limit: int = 20) -> QuerySet[Exposure]:
    """The latest exposures held."""
    return Exposure.objects.all()[:limit]


def exposure_checks() -> tuple[ExposureCheck, ...]:
    """The weekly exposure check (五(三)) against the exposures held, each with its units counted."""
    held = [
        (e.held_on, e.hazards.values("venue").distinct().count()) for e in Exposure.objects.all()
    ]
    start = min((e for e, _ in held), default=date(2024, 2, 4))
    return check_exposure(exposure_slots(campaign_start=min(start, date(2024, 2, 4))), held)


def dispatch_figures(
    user: User | AnonymousUser,
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """附件4 调度表: per unit name the hazards the user sees found, closed and open; and per street
    name the venues registered."""
    table: dict[str, dict[str, int]] = {}
    qs = visible_items(user, LoopItem.Kind.HAZARD)
    for name, state in qs.order_by().values_list("unit_name", "state"):
        row = table.setdefault(name, {"found": 0, "closed": 0, "open": 0})
        row["found"] += 1
        row["closed" if state == LoopItem.State.CLOSED else "open"] += 1
    venue_counts: dict[str, int] = {}
    for street_name in Venue.objects.order_by().values_list("street__name", flat=True):
        venue_counts[street_name] = venue_counts.get(street_name, 0) + 1
    return table, venue_counts


def bulletin_list(limit: int = 20) -> QuerySet[Bulletin]:
    """The latest bulletins published."""
    return Bulletin.objects.all()[:limit]


def bulletin_items(
    user: User | AnonymousUser, *, end: date, source: str = ""
) -> QuerySet[LoopItem]:
    """The tasks a bulletin for a period ending ``end`` counts: those the user sees dispatched by
    then, of one source document if given."""
    qs = visible_items(user).filter(dispatched__lte=end)
    if source:
        qs = qs.filter(source=source)
    return qs


def obligation_record_list(user: User | AnonymousUser, limit: int = 50) -> list[ObligationRecord]:
    """The latest recurring-obligation records the user sees: all for oversight roles, else its
    unit's."""
    records = ObligationRecord.objects.select_related("unit").order_by("-held_on", "-pk")
    if not sees_all_units(user):
        own = user.department_id if isinstance(user, User) else None
        records = records.filter(unit_id=own or 0)
    return list(records[:limit])


def filter_items(
    qs: QuerySet[LoopItem], params: dict[str, str], *, today: date
) -> QuerySet[LoopItem]:
    """Apply the ledger's filters: leader, unit, status, overdue, livelihood, source, q."""
    if params.get("leader"):
        qs = qs.filter(leader=params["leader"])
    if params.get("unit"):
        qs = qs.filter(
            Q(unit_id=params["unit"])
            if params["unit"].isdigit()
            else Q(unit_name__contains=params["unit"])
        )
    if params.get("status"):
        qs = qs.filter(state=params["status"])
    if params.get("overdue"):
        qs = qs.filter(state__in=OPEN_STATES, due__lt=today)
    if params.get("livelihood"):
        qs = qs.filter(
            livelihood__in=[True]
        )  # `= 1`, not a bare column, so SQLite can use its index
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    if params.get("q"):
        qs = qs.filter(text__contains=params["q"])
    return qs


@dataclass(frozen=True, slots=True)
class Row:
    item: LoopItem
    colour: Colour
    colour_label: str
    overdue: bool


def rows(items: list[LoopItem], *, today: date) -> list[Row]:
    soon, margin = due_soon_days(), behind_margin()
    out = []
    for item in items:
        colour = colour_code(
            State(item.state), item.dispatched, item.due, item.progress, today, soon, margin
        )
        out.append(
            Row(
                item=item,
                colour=colour,
                colour_label=COLOUR_LABELS[colour],
                overdue=colour is Colour.RED,
            )
        )
    return out


def distinct_values(
    user: User | AnonymousUser, field: str, kind: str = LoopItem.Kind.TASK
) -> list[str]:
    """The distinct non-empty values of ``field`` (leader, source) among the items the user sees, for
    the ledger's filters. For a unit user the lead-unit and co-unit parts are asked separately so
    each uses its index (an OR of the two makes SQLite scan every item of the kind)."""
    if sees_all_units(user):
        return _seek_distinct(LoopItem.objects.filter(kind=kind), field)
    if isinstance(user, User) and user.department_id is not None:
        own = LoopItem.objects.filter(kind=kind, unit_id=user.department_id)
        shared = list(
            LoopItem.co_units.through.objects.filter(department_id=user.department_id).values_list(
                "loopitem_id", flat=True
            )
        )
        values = set(_seek_distinct(own, field))
        # by primary key only, kind checked here: with the kind in the query SQLite scans an index
        values |= {
            v
            for k, v in LoopItem.objects.filter(pk__in=shared).order_by().values_list("kind", field)
            if k == kind
        }
        return sorted(v for v in values if v)
    return []


def _seek_distinct(qs: QuerySet[LoopItem], field: str, limit: int = 100) -> list[str]:
    """The distinct non-empty values of ``field``, sorted, by seeking the index from one value to the
    next (a handful of index look-ups instead of reading every entry); falls back to DISTINCT when
    there are more than ``limit`` values."""
    out: list[str] = []
    current = ""
    for _ in range(limit):
        nxt = qs.filter(**{f"{field}__gt": current}).order_by().aggregate(v=Min(field))["v"]
        if nxt is None:
            return out
        out.append(nxt)
        current = nxt
    return sorted(v for v in qs.order_by().values_list(field, flat=True).distinct() if v)


BUCKETS = ("done", "on_track", "behind", "overdue")
BUCKET_LABELS = {"done": "已办结", "on_track": "正常推进", "behind": "滞后", "overdue": "逾期"}


class DaysBetween(Func):
    """Whole days from the first date to the second (``b - a``), on SQLite and PostgreSQL."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (a_sql, a_params), (b_sql, b_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        params = [*b_params, *a_params]
        if connection.vendor == "sqlite":
            return f"CAST(ROUND(julianday({b_sql}) - julianday({a_sql})) AS INTEGER)", params
        return f"(CAST({b_sql} AS date) - CAST({a_sql} AS date))", params


def bucket_expression(*, end: date) -> Case:
    """The bulletin bucket of an item on ``end``, in SQL: the same rules as
    :func:`chengqu.supervision.loop.colour_code` (red → overdue, yellow → behind, others on track),
    an item closed after ``end`` counting as it stood then (still open). Needs the ``sv_total`` and
    ``sv_lag`` annotations of :func:`_with_lag`."""
    return Case(
        When(Q(state=State.CLOSED.value, closed_on__lte=end), then=Value("done")),
        When(~Q(state=State.SUBMITTED.value) & Q(due__lt=end), then=Value("overdue")),
        When(state=State.RETURNED.value, then=Value("behind")),
        When(state=State.SUBMITTED.value, then=Value("on_track")),
        When(sv_total__gt=0, sv_gone__gt=0, sv_lag__gt=0, then=Value("behind")),
        default=Value("on_track"),
        output_field=CharField(),
    )


def _with_lag(qs: QuerySet[LoopItem], *, end: date) -> QuerySet[LoopItem]:
    """Annotate the days planned (``sv_total``), the days gone on ``end`` (``sv_gone``) and how far
    the reported progress trails the time gone (``sv_lag`` > 0: more than the margin behind)."""
    margin = behind_margin()
    qs = qs.annotate(
        sv_total=DaysBetween(F("dispatched"), F("due")),
        sv_gone=DaysBetween(F("dispatched"), Value(end, output_field=DateField())),
    )
    return qs.annotate(
        sv_lag=ExpressionWrapper(
            F("sv_gone") * 100 - (F("progress") + margin) * F("sv_total"),
            output_field=IntegerField(),
        )
    )


def bulletin_figures(
    qs: QuerySet[LoopItem], *, end: date, by: str = "unit"
) -> list[dict[str, Any]]:
    """Per unit (or per district leader, ``by="leader"``) on ``end``: done, on track, behind
    (yellow), overdue (red). An item closed after ``end`` counts as it stood then (still open).
    Counted by the database in one grouped query (100,000 items in well under a second)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BUCKETS, 0))
    counted = _with_lag(qs.order_by(), end=end).annotate(sv_bucket=bucket_expression(end=end))

    if by == "leader":
        # grouped with the unit too, so the covering index (kind, unit, leader, …) serves it
        rows_ = counted.values("unit_id", "leader", "sv_bucket").annotate(n=Count("pk"))
        for leader, bucket, n in rows_.values_list("leader", "sv_bucket", "n"):
            table[leader or "各镇(街道)及其他"][bucket] += n
    else:
        # by unit id (a covering index, no text compared), then the few items without a unit by their
        # text; grouped with the 责任领导 and 责任人 too, to name those of the late items
        found: dict[str, dict[str, set[str]]] = defaultdict(lambda: {k: set() for k in _NO_PEOPLE})
        keyed = ("sv_bucket", "responsible_leader", "persons")
        by_unit = list(
            counted.filter(unit_id__isnull=False)
            .values("unit_id", *keyed)
            .annotate(n=Count("pk"))
            .values_list("unit_id", *keyed, "n")
        )
        names = dict(
            Department.objects.filter(pk__in={r[0] for r in by_unit}).values_list("pk", "name")
        )
        no_unit = (
            counted.filter(unit_id__isnull=True)
            .values("unit_name", *keyed)
            .annotate(n=Count("pk"))
            .values_list("unit_name", *keyed, "n")
        )
        named = [(names[u], *rest) for u, *rest in by_unit] + [
            (t or "未明确单位", *rest) for t, *rest in no_unit
        ]
        for unit, bucket, leader, persons, n in named:
            table[unit][bucket] += n
            if bucket in ("behind", "overdue"):
                entry = found[unit]
                if leader:
                    entry[f"{bucket}_leaders"].add(leader)
                entry[f"{bucket}_persons"].update(p for p in (persons or []) if p)
        return [
            {
                "unit": unit,
                **counts,
                "total": sum(counts.values()),
                **{k: sorted(v) for k, v in found[unit].items()},
            }
            for unit, counts in sorted(table.items())
        ]
    return [
        {"unit": unit, **counts, "total": sum(counts.values())}
        for unit, counts in sorted(table.items())
    ]


_NO_PEOPLE = ("overdue_leaders", "overdue_persons", "behind_leaders", "behind_persons")


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One unit's record of one recurring obligation, period by period."""

    key: str
    label: str
    unit: Department
    periods: tuple[PeriodResult, ...]

    @property
    def missed(self) -> tuple[PeriodResult, ...]:
        return tuple(p for p in self.periods if p.status is PeriodStatus.MISSED)


def duty_rows(
    user: User | AnonymousUser, *, today: date, start: date | None = None, end: date | None = None
) -> list[DutyRow]:
    """Per recurring obligation and responsible unit (the table's default units and any unit that
    recorded one), the periods met, open and missed; a unit user sees only its own unit."""
    all_units = sees_all_units(user)
    own = user.department_id if isinstance(user, User) else None
    if not all_units and own is None:
        return []
    records: dict[tuple[str, int], list[date]] = defaultdict(list)
    qs = (
        ObligationRecord.objects.all()
        if all_units
        else ObligationRecord.objects.filter(unit_id=own)
    )
    for key, unit_id, held_on in qs.order_by().values_list("obligation", "unit_id", "held_on"):
        records[(key, unit_id)].append(held_on)
    duties = obligations()
    names = {n for o in duties for n in o.units}
    by_name: dict[str, Department] = {}
    for d in Department.objects.filter(Q(name__in=names) | Q(short_name__in=names)):
        by_name.setdefault(d.name, d)
        if d.short_name:
            by_name.setdefault(d.short_name, d)
    recorded_units = {d.pk: d for d in Department.objects.filter(pk__in={u for _, u in records})}
    out: list[DutyRow] = []
    for o in duties:
        units = {by_name[n].pk: by_name[n] for n in o.units if n in by_name}
        units |= {u: recorded_units[u] for k, u in records if k == o.key}
        for unit in sorted(units.values(), key=lambda d: d.name):
            if not all_units and unit.pk != own:
                continue
            periods = compliance(
                o, records.get((o.key, unit.pk), []), today=today, start=start, end=end
            )
            if periods:
                out.append(DutyRow(key=o.key, label=o.label, unit=unit, periods=periods))
    return out


def missed_duties(
    user: User | AnonymousUser, *, today: date, start: date, end: date
) -> list[dict[str, Any]]:
    """For a bulletin: every period of a recurring obligation that ended short within
    ``start``–``end`` (as it stands ``today``), per unit."""
    return [
        {
            "unit": row.unit.name,
            "obligation": row.label,
            "period": p.label,
            "done": p.done,
            "at_least": p.at_least,
        }
        for row in duty_rows(user, today=today, start=start, end=end)
        for p in row.missed
        if p.due <= end
    ]
