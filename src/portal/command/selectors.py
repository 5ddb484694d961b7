"""Reads of the command module, with the user's visibility applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chengqu.command import load_roster
from chengqu.command.clocks import Deadline, report_deadlines
from chengqu.command.duties import Due, Duty, duties, next_due
from chengqu.command.plan_tasks import SampleStep as PureStep
from chengqu.command.roster import Roster
from chengqu.common import Citation, DomainError, to_local
from portal.accounts.access import can_access_unit
from portal.accounts.models import Department, PositionHolding, User
from portal.accounts.roles import Role, has_role
from portal.command.models import (
    Assessment,
    DutyRecord,
    DutyShift,
    Headquarters,
    Incident,
    Post,
    Report,
    SampleStep,
    Seat,
    Task,
)

# Who sees every incident: the command side and the oversight roles.
ALL_INCIDENTS = (Role.ADMIN, Role.AUDITOR, Role.HQ_OFFICE, Role.COMMANDER, Role.INSPECTORATE)
READ_ROLES = (*ALL_INCIDENTS, Role.UNIT)


def holders(position_ids: Iterable[int]) -> dict[int, str]:
    """position id → the current holder's name."""
    rows = PositionHolding.objects.filter(position_id__in=list(position_ids), end__isnull=True)
    return dict(rows.values_list("position_id", "person__name"))


def current_roster() -> Roster:
    """The pure roster with today's holders from the database (when the roster is loaded),
    so routing names whoever holds each post now. Source: 城政办发〔2024〕8号 二."""
    base = load_roster()
    keys = dict(Post.objects.values_list("key", "position_id"))
    if not keys:
        return base
    names = holders(keys.values())
    updated = {
        key: replace(position, holder=names.get(keys[key], "")) if key in keys else position
        for key, position in base.by_key.items()
    }
    return replace(base, by_key=MappingProxyType(updated))


@dataclass(frozen=True, slots=True)
class SeatRow:
    seat: Seat
    holder: str


def hq_seats(hq: Headquarters) -> list[SeatRow]:
    seats = list(Seat.objects.filter(hq=hq).select_related("post__position__department"))
    names = holders(s.post.position_id for s in seats)
    return [SeatRow(s, names.get(s.post.position_id, "")) for s in seats]


def org_chart() -> tuple[Headquarters | None, list[Headquarters], list[Headquarters]]:
    """(general HQ, specialised HQs in the notice's order, plan HQs)."""
    rows = list(Headquarters.objects.select_related("office_host", "parent"))
    general = next((h for h in rows if h.kind == Headquarters.Kind.GENERAL), None)
    return (
        general,
        [h for h in rows if h.kind == Headquarters.Kind.SPECIAL],
        [h for h in rows if h.kind == Headquarters.Kind.PLAN],
    )


def commanders_by_hq() -> dict[int, list[str]]:
    """hq id → "name(title)" of its commanders, for the chart."""
    seats = list(
        Seat.objects.filter(role__in=[Seat.Role.CHIEF, Seat.Role.COMMANDER]).select_related("post")
    )
    names = holders(s.post.position_id for s in seats)
    out: dict[int, list[str]] = {}
    for s in seats:
        holder = names.get(s.post.position_id, "")
        out.setdefault(s.hq_id, []).append(f"{holder}({s.post.title})" if holder else s.as_written)
    return out


def post_seats(post: Post) -> list[Seat]:
    return list(post.seats.select_related("hq").order_by("hq__order", "order"))


def hq_list() -> QuerySet[Headquarters]:
    """Every HQ in the roster's order, with its office host and parent."""
    return Headquarters.objects.select_related("office_host", "parent")


def hq_get(key: str) -> Headquarters:
    """The HQ of ``key``, or 404."""
    return get_object_or_404(hq_list(), key=key)


def hq_keys() -> dict[str, int]:
    """HQ key → id, for links from a routing answer."""
    return {h.key: h.pk for h in Headquarters.objects.only("key")}


def hq_candidates(incident: Incident) -> list[Headquarters]:
    """The HQs an unrouted incident may go to (none once its HQ is chosen)."""
    if incident.hq:
        return []
    return list(Headquarters.objects.filter(key__in=incident.candidates))


def post_get(pk: int) -> Post:
    """The command post ``pk`` with its position and unit, or 404."""
    return get_object_or_404(Post.objects.select_related("position__department"), pk=pk)


def post_holdings(post: Post) -> list[PositionHolding]:
    """Who held the post, newest first."""
    return list(post.position.holdings.select_related("person").order_by("-start"))


# ------------------------------------------------------------------ units


def department_by_pk(pk: str) -> Department | None:
    """The unit an incident form names by id (none when it names none)."""
    return Department.objects.filter(pk=pk).first()


def department_by_code(code: str) -> Department | None:
    """The unit the API names by its code."""
    return Department.objects.filter(code=code).first()


def departments_active() -> QuerySet[Department]:
    """The units an incident may be recorded against, by kind and code."""
    return Department.objects.filter(active=True).order_by("kind", "code")


# ------------------------------------------------------------------ incidents


def sees_all_incidents(user: User | AnonymousUser) -> bool:
    return has_role(user, *ALL_INCIDENTS)


def incidents_visible(user: User | AnonymousUser) -> QuerySet[Incident]:
    """Every incident for the command side and oversight; a unit's users see their unit's only."""
    qs = Incident.objects.select_related("hq", "department")
    if sees_all_incidents(user):
        return qs
    if isinstance(user, User) and user.department_id is not None and has_role(user, Role.UNIT):
        return qs.filter(department_id=user.department_id)
    return qs.none()


def incidents_by_ids(ids: list[int]) -> list[Incident]:
    """The incidents of one dashboard page, in the order of ``ids``.

    Pages are cut on the ids alone (an index-only scan of (…, occurred_at, id)), then these
    few rows are read with their joins: deep pages stay fast with 100,000 incidents.
    """
    rows = Incident.objects.select_related("hq", "department").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def incident_get(user: User | AnonymousUser, pk: int) -> Incident:
    """The incident, or 404 when it does not exist and 403 when it is another unit's."""
    incident = Incident.objects.select_related("hq", "department").filter(pk=pk).first()
    if incident is None:
        raise Http404("没有这个事件")
    if not sees_all_incidents(user) and not (
        has_role(user, Role.UNIT)
        and incident.department_id is not None
        and can_access_unit(user, incident.department_id, oversight=())
    ):
        raise PermissionDenied("无权查看其他单位的事件")
    return incident


def report_get(incident: Incident, pk: int) -> Report:
    """A report of the incident, or 404."""
    return get_object_or_404(Report, pk=pk, incident=incident)


def task_get(incident: Incident, pk: int) -> Task:
    """A task of the incident, or 404."""
    return get_object_or_404(Task, pk=pk, incident=incident)


def assessment_get(incident: Incident) -> Assessment | None:
    """The incident's after-incident assessment report, if one was begun."""
    return Assessment.objects.filter(incident=incident).first()


def sample_step(row: SampleStep) -> PureStep:
    """A row of the sample chain as the pure rules read it (times in Asia/Shanghai)."""

    def local(value: datetime | None) -> datetime | None:
        return to_local(value) if value is not None else None

    return PureStep(
        row.lab, local(row.sent_at), local(row.received_at), local(row.result_at), row.result
    )


def _anchors(incident: Incident) -> dict[str, datetime]:
    return {k: datetime.fromisoformat(v) for k, v in incident.anchors.items()}


def incident_clocks(incident: Incident) -> list[Deadline]:
    """The plan's deadlines for this incident (none when the gazette sets no clock for it)."""
    if not incident.plan:
        return []
    return report_deadlines(
        incident.plan, incident.level or None, incident.occurred_at, anchors=_anchors(incident)
    )


def deadline_for(incident: Incident, clock: str) -> Deadline:
    for deadline in incident_clocks(incident):
        if deadline.key == clock:
            return deadline
    raise DomainError("command.clock_unknown", f"该事件没有时限“{clock}”", field="clock")


@dataclass
class ClockRow:
    """One deadline as the timeline shows it; ``overdue`` is computed against ``now``."""

    deadline: Deadline
    reports: list[Report] = field(default_factory=list)
    now: datetime | None = None

    @property
    def filed(self) -> Report | None:
        return next((r for r in self.reports if r.status == Report.Status.FILED), None)

    @property
    def draft(self) -> Report | None:
        return next((r for r in self.reports if r.status == Report.Status.DRAFT), None)

    @property
    def remaining(self) -> timedelta | None:
        if self.deadline.due is None or self.now is None:
            return None
        return self.deadline.due - to_local(self.now)

    @property
    def overdue(self) -> bool:
        remaining = self.remaining
        return self.filed is None and remaining is not None and remaining < timedelta(0)

    @property
    def remaining_text(self) -> str:
        remaining = self.remaining
        if remaining is None:
            return ""
        minutes = int(abs(remaining).total_seconds() // 60)
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        text = (
            (f"{days}天" if days else "")
            + (f"{hours}小时" if hours or days else "")
            + f"{mins}分钟"
        )
        return ("已超过" if remaining < timedelta(0) else "剩余") + text


def clock_rows(incident: Incident, *, now: datetime | None = None) -> list[ClockRow]:
    now = now or timezone.now()
    reports: dict[str, list[Report]] = {}
    for report in incident.reports.select_related("filed_by"):
        reports.setdefault(report.clock, []).append(report)
    return [ClockRow(d, reports.get(d.key, []), now) for d in incident_clocks(incident)]


def overdue_counts(incidents: Iterable[Incident], *, now: datetime | None = None) -> dict[int, int]:
    """incident id → how many of its clocks are past due with nothing filed (open incidents only),
    for a page of the dashboard: one query for the filed reports of the whole page."""
    now = now or timezone.now()
    live = [i for i in incidents if i.status == Incident.Status.OPEN and i.plan]
    filed = set(
        Report.objects.filter(incident__in=live, status=Report.Status.FILED).values_list(
            "incident_id", "clock"
        )
    )
    out: dict[int, int] = {}
    for incident in live:
        out[incident.pk] = sum(
            1
            for d in incident_clocks(incident)
            if d.due is not None and d.due < now and (incident.pk, d.key) not in filed
        )
    return out


def overdue_count(incident: Incident, *, now: datetime | None = None) -> int:
    if incident.status == Incident.Status.CLOSED:
        return 0
    return sum(row.overdue for row in clock_rows(incident, now=now))


# ------------------------------------------------------------------ duties


@dataclass(frozen=True, slots=True)
class DutyRow:
    duty: Duty
    last_done: date | None
    due: Due
    notes: tuple[str, ...]
    citations: tuple[Citation, ...]


def duty_rows(*, today: date) -> list[DutyRow]:
    """Every recurring duty with its last record, next due date and whether it is overdue."""
    last: dict[str, date] = {}
    for key, done in DutyRecord.objects.order_by("duty", "-done_on").values_list("duty", "done_on"):
        last.setdefault(key, done)
    rows = []
    for item in duties():
        decision = next_due(item.key, last.get(item.key), today=today)
        rows.append(
            DutyRow(item, last.get(item.key), decision.value, decision.notes, decision.citations)
        )
    return rows


def duty_week(*, today: date, days: int = 7) -> list[tuple[date, DutyShift | None]]:
    """The next ``days`` days of the 24-hour roster; a day without a shift shows as a gap."""
    shifts = {
        s.day: s
        for s in DutyShift.objects.filter(day__gte=today, day__lt=today + timedelta(days=days))
    }
    return [(day, shifts.get(day)) for day in (today + timedelta(days=n) for n in range(days))]
