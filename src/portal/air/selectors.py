"""Reads of the air module, with each user's visibility applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from chengqu.air.measures import measures_for, plan_table
from chengqu.air.reduction import ListEntry, ReductionCheck, check_reductions
from portal.accounts.access import sees_all_units
from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role
from portal.air.models import (
    Acknowledgement,
    CapMessage,
    DistrictEmissions,
    EnterpriseMeasure,
    Exemption,
    ListEnterprise,
    WarningDecision,
    WarningEpisode,
)

# Roles that see the whole workflow (everyone else sees their own unit's acknowledgements).
WORKFLOW_ROLES = (Role.HQ_OFFICE, Role.COMMANDER, Role.ADMIN, Role.AUDITOR, Role.INSPECTORATE)


def notify_hours() -> int:
    return int(plan_table()["notification"]["hours"])


@dataclass(frozen=True, slots=True)
class Clock:
    """The 2-hour clock of 3.2 for one unit: from its receipt (or from publication while unreceived)."""

    starts: datetime
    deadline: datetime
    done_at: datetime | None
    overdue: bool
    from_receipt: bool

    @property
    def state(self) -> str:
        if self.done_at is not None:
            return "逾期完成" if self.overdue else "按时完成"
        return "已逾期" if self.overdue else "进行中"


def notify_clock(ack: Acknowledgement, *, now: datetime | None = None) -> Clock | None:
    """None before publication. Source: 城政办发〔2024〕1号 3.2 (接到预警通知2小时内通知企事业单位)."""
    published = ack.decision.published_at
    if published is None:
        return None
    starts = ack.received_at or published
    deadline = starts + timedelta(hours=notify_hours())
    moment = now or timezone.now()
    done = ack.notified_at
    overdue = (done > deadline) if done is not None else moment > deadline
    return Clock(starts, deadline, done, overdue, ack.received_at is not None)


def member_filter(department_id: int | None, prefix: str = "") -> Q:
    """Member units of a unit: linked to it, or (unlinked) named as it is named."""
    if department_id is None:
        return Q(pk__in=[])
    department = Department.objects.filter(pk=department_id).first()
    names = [n for n in (department.name, department.short_name) if n] if department else []
    return Q(**{f"{prefix}department_id": department_id}) | Q(
        **{f"{prefix}department__isnull": True, f"{prefix}name__in": names}
    )


def sees_workflow(user: User) -> bool:
    return has_role(user, *WORKFLOW_ROLES)


def current_episode() -> WarningEpisode | None:
    return (
        WarningEpisode.objects.filter(status=WarningEpisode.Status.ACTIVE)
        .order_by("-started_at", "-pk")
        .first()
    )


def published_decisions() -> QuerySet[WarningDecision]:
    return (
        WarningDecision.objects.filter(status=WarningDecision.Status.PUBLISHED)
        .select_related("episode", "cap")
        .order_by("-published_at", "-pk")
    )


def latest_published(episode: WarningEpisode) -> WarningDecision | None:
    return (
        episode.decisions.filter(status=WarningDecision.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )


def episodes_for(user: User) -> QuerySet[WarningEpisode]:
    if sees_workflow(user):
        return WarningEpisode.objects.all()
    return WarningEpisode.objects.filter(
        member_filter(user.department_id, "decisions__acknowledgements__member__")
    ).distinct()


def acknowledgements_for(user: User) -> QuerySet[Acknowledgement]:
    """Every unit's for the office and oversight; a unit user's own unit's only."""
    qs = Acknowledgement.objects.select_related("decision", "member", "decision__episode").filter(
        decision__status=WarningDecision.Status.PUBLISHED
    )
    if sees_workflow(user) or sees_all_units(user):
        return qs
    if user.department_id is None:
        return qs.none()
    return qs.filter(member_filter(user.department_id, "member__"))


def cap_messages() -> QuerySet[CapMessage]:
    return CapMessage.objects.select_related("decision").order_by("-sent", "-pk")


# ------------------------------------------------------------------ reduction list

LIST_ROLES = (Role.HQ_OFFICE, Role.COMMANDER, Role.ADMIN, Role.AUDITOR, Role.INSPECTORATE)


def list_years() -> list[int]:
    years = set(ListEnterprise.objects.values_list("year", flat=True)) | set(
        DistrictEmissions.objects.values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def list_entries(year: int) -> list[ListEntry]:
    entries = []
    for ent in ListEnterprise.objects.filter(year=year).prefetch_related("measures", "exemptions"):
        reductions = {
            m.response: {"so2": m.so2, "nox": m.nox, "pm": m.pm, "vocs": m.vocs}
            for m in ent.measures.all()
        }
        exempt: frozenset[str] = frozenset().union(
            *(e.response_set() for e in ent.exemptions.all())
        )
        entries.append(
            ListEntry(
                ent.name,
                {"so2": ent.so2, "nox": ent.nox, "pm": ent.pm, "vocs": ent.vocs},
                reductions,
                exempt,
            )
        )
    return entries


def reduction_checks(year: int) -> tuple[ReductionCheck, ...]:
    totals = DistrictEmissions.objects.filter(year=year).first()
    district = {
        "so2": totals.so2 if totals else None,
        "nox": totals.nox if totals else None,
        "pm": totals.pm if totals else None,
        "vocs": totals.vocs if totals else None,
    }
    return check_reductions(district, list_entries(year))


def enterprise_of(user: User) -> Department | None:
    """The enterprise an 企业用户 belongs to (a unit of kind enterprise), else None."""
    if not has_role(user, Role.ENTERPRISE) or user.department_id is None:
        return None
    department = user.department
    return (
        department
        if department is not None and department.kind == Department.Kind.ENTERPRISE
        else None
    )


def list_entries_for(user: User) -> QuerySet[ListEnterprise]:
    """List entries ``user`` may read: every one for the office and oversight, an enterprise its own."""
    qs = ListEnterprise.objects.prefetch_related("measures", "exemptions").order_by("-year", "name")
    if has_role(user, *LIST_ROLES):
        return qs
    enterprise = enterprise_of(user)
    if enterprise is None:
        return qs.none()
    return qs.filter(department=enterprise)


RESPONSE_OF_LEVEL = {"yellow": "III", "orange": "II", "red": "I"}


@dataclass(frozen=True, slots=True)
class RequiredNow:
    """What the list asks of one enterprise at the warning in force."""

    level: str  # none / yellow / orange / red
    response: str | None
    measure: EnterpriseMeasure | None
    exemptions: tuple[Exemption, ...]
    plan_measures: tuple[dict[str, Any], ...]  # the plan's 工业源 measures of the response (4.2)

    @property
    def exempt(self) -> bool:
        return bool(self.exemptions)


def required_now(entry: ListEnterprise, *, level: str | None = None) -> RequiredNow:
    """The enterprise's own list measure and the plan's industrial measures at ``level`` (default: in force)."""
    if level is None:
        episode = current_episode()
        level = episode.level if episode is not None else "none"
    response = RESPONSE_OF_LEVEL.get(level)
    if response is None:
        return RequiredNow(level, None, None, (), ())
    measure = next((m for m in entry.measures.all() if m.response == response), None)
    exempt = tuple(e for e in entry.exemptions.all() if response in e.response_set())
    plan = tuple(m.to_json() for m in measures_for(response) if m.source == "工业源")
    return RequiredNow(level, response, measure, exempt, plan)


@dataclass(frozen=True, slots=True)
class EpisodeStatistics:
    """What the office's evaluation (5) starts from: duration, levels, units' timeliness, summaries."""

    hours: float | None
    highest_level: str
    decisions: int
    notices: int
    notified_on_time: int
    notified_late: int
    not_notified: int
    summaries: int
    summaries_missing: int

    @property
    def highest_label(self) -> str:
        return {"none": "无", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}[
            self.highest_level
        ]


def episode_statistics(
    episode: WarningEpisode, *, now: datetime | None = None
) -> EpisodeStatistics:
    from portal.air.models import MemberUnit

    moment = now or timezone.now()
    published = list(episode.decisions.filter(status=WarningDecision.Status.PUBLISHED))
    ranks = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
    highest = max((d.level for d in published), key=lambda lv: ranks[lv], default="none")
    on_time = late = missing = 0
    acks = Acknowledgement.objects.filter(decision__in=published).select_related("decision")
    for ack in acks:
        clock = notify_clock(ack, now=moment)
        if clock is None:
            continue
        if ack.notified_at is None:
            missing += 1
        elif clock.overdue:
            late += 1
        else:
            on_time += 1
    hours = None
    if episode.started_at is not None:
        hours = round(
            ((episode.released_at or moment) - episode.started_at).total_seconds() / 3600, 1
        )
    summaries = episode.summaries.count()
    members = MemberUnit.objects.filter(active=True).count()
    return EpisodeStatistics(
        hours=hours,
        highest_level=highest,
        decisions=len(published),
        notices=len(acks),
        notified_on_time=on_time,
        notified_late=late,
        not_notified=missing,
        summaries=summaries,
        summaries_missing=max(members - summaries, 0),
    )
