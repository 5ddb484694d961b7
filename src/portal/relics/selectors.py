"""Reads of the relics census, with the user's visibility applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from chengqu.common import Citation
from chengqu.relics import LeadStage, Phase, phase_on, registered_count
from portal.accounts.models import Department, User
from portal.relics.access import CENSUS_KINDS, census_area, sees_all, visible
from portal.relics.models import DamageCase, QualityIssue, Relic, RelicFile


def relics_for(user: User | AnonymousUser) -> QuerySet[Relic]:
    return visible(user, Relic.objects.select_related("department"))


def search_text_of(relic: Relic) -> str:
    """What the register search looks in: name, code, address, era (lower case)."""
    return "\n".join((relic.name, relic.code, relic.address, relic.era)).lower()


def relic_file_get(*, user: User | AnonymousUser, pk: int) -> RelicFile:
    """A photograph or drawing of a record the user may see (404 otherwise)."""
    return get_object_or_404(RelicFile.objects.filter(relic__in=relics_for(user)), pk=pk)


def quality_issue_get(*, user: User | AnonymousUser, pk: int) -> QualityIssue:
    """A quality issue of a record the user may see (404 otherwise)."""
    return get_object_or_404(QualityIssue.objects.filter(relic__in=relics_for(user)), pk=pk)


def damage_case_get(*, user: User | AnonymousUser, pk: int) -> DamageCase:
    """A damage case of a record the user may see (404 otherwise)."""
    return get_object_or_404(DamageCase.objects.filter(relic__in=relics_for(user)), pk=pk)


def damage_case_list(*, user: User | AnonymousUser, status: str = "") -> QuerySet[DamageCase]:
    """Damage cases of the records the user may see (of one status, if given), with their relic."""
    cases = DamageCase.objects.filter(relic__in=relics_for(user))
    if status:
        cases = cases.filter(status=status)
    return cases.select_related("relic")


def relic_search(
    queryset: QuerySet[Relic],
    *,
    q: str = "",
    category: str = "",
    level: str = "",
    town: str = "",
    stage: str = "",
) -> QuerySet[Relic]:
    """Filter by category, level, town and stage; ``q`` searches name, code, address and era (Chinese substring)."""
    if q:
        queryset = queryset.filter(search_text__contains=q.lower())
    if category:
        queryset = queryset.filter(category=category)
    if level:
        queryset = queryset.filter(level=level)
    if town:
        queryset = queryset.filter(department__code=town)
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset


def published_relics() -> QuerySet[Relic]:
    """What the public may read: published records only."""
    return Relic.objects.select_related("department").filter(stage=LeadStage.PUBLISHED.value)


def census_units() -> QuerySet[Department]:
    return Department.objects.filter(kind__in=CENSUS_KINDS, active=True).order_by("kind", "code")


@dataclass(frozen=True, slots=True)
class UnitProgress:
    department: Department
    registered: int
    reexamined: int
    leads: int
    awaiting_verification: int
    verified: int
    published: int
    open_issues: int
    open_cases: int

    @property
    def percent(self) -> int:
        return round(100 * self.reexamined / self.registered) if self.registered else 0


@dataclass(frozen=True, slots=True)
class Progress:
    on: date
    phase: Phase | None
    phase_citations: tuple[Citation, ...]
    phase_notes: tuple[str, ...]
    target: int
    target_citation: Citation
    units: tuple[UnitProgress, ...]
    total_registered: int
    total_reexamined: int

    @property
    def percent(self) -> int:
        return round(100 * self.total_reexamined / self.target) if self.target else 0


def progress(user: User | AnonymousUser, on: date) -> Progress:
    """Per town and street: registered relics re-examined (against the 367), leads by stage, open issues."""
    relics = relics_for(user)
    per_unit: dict[int, dict[str, Any]] = {}
    rows = relics.values("department_id").annotate(
        registered=Count("pk", filter=Q(origin=Relic.Origin.REGISTERED), distinct=True),
        reexamined=Count(
            "pk",
            filter=Q(origin=Relic.Origin.REGISTERED, reexaminations__isnull=False),
            distinct=True,
        ),
        leads=Count(
            "pk",
            filter=Q(origin=Relic.Origin.NEW) & ~Q(stage=LeadStage.REJECTED.value),
            distinct=True,
        ),
        awaiting=Count("pk", filter=Q(stage=LeadStage.SURVEYED.value), distinct=True),
        verified=Count(
            "pk",
            filter=Q(
                origin=Relic.Origin.NEW,
                stage__in=[
                    LeadStage.VERIFIED.value,
                    LeadStage.REGISTERED.value,
                    LeadStage.PUBLISHED.value,
                ],
            ),
            distinct=True,
        ),
        published=Count("pk", filter=Q(stage=LeadStage.PUBLISHED.value), distinct=True),
    )
    for row in rows:
        per_unit[row["department_id"]] = dict(row)
    issues = dict(
        visible(user, QualityIssue.objects.filter(status=QualityIssue.Status.OPEN))
        .values_list("relic__department_id")
        .annotate(n=Count("pk"))
        .values_list("relic__department_id", "n")
    )
    cases = dict(
        visible(user, DamageCase.objects.filter(status=DamageCase.Status.OPEN))
        .values_list("relic__department_id")
        .annotate(n=Count("pk"))
        .values_list("relic__department_id", "n")
    )
    departments = census_units()
    area = census_area(user)
    if area is not None:
        departments = departments.filter(pk=area.pk)
    elif not sees_all(user):
        departments = departments.none()
    units = []
    for department in departments:
        got: dict[str, Any] = per_unit.get(department.pk, {})
        units.append(
            UnitProgress(
                department=department,
                registered=got.get("registered", 0),
                reexamined=got.get("reexamined", 0),
                leads=got.get("leads", 0),
                awaiting_verification=got.get("awaiting", 0),
                verified=got.get("verified", 0),
                published=got.get("published", 0),
                open_issues=issues.get(department.pk, 0),
                open_cases=cases.get(department.pk, 0),
            )
        )
    phase = phase_on(on)
    target = registered_count()
    return Progress(
        on=on,
        phase=phase.value,
        phase_citations=phase.citations,
        phase_notes=phase.notes,
        target=target.value,
        target_citation=target.citations[0],
        units=tuple(units),
        total_registered=sum(u.registered for u in units),
        total_reexamined=sum(u.reexamined for u in units),
    )


def review_queue(user: User | AnonymousUser) -> tuple[QuerySet[Relic], QuerySet[QualityIssue]]:
    """For experts: leads awaiting verification, and open warnings awaiting confirmation."""
    leads = relics_for(user).filter(stage=LeadStage.SURVEYED.value).order_by("updated_at")
    warnings = visible(
        user, QualityIssue.objects.select_related("relic", "relic__department")
    ).filter(
        status=QualityIssue.Status.OPEN,
        severity="warning",
    )
    return leads, warnings
