"""JSON API of the relics module, mounted at /api/v1/relics/: phase, the register (as the pages), the public register."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from chengqu.relics import (
    Category,
    Coordinates,
    LeadStage,
    ProtectionLevel,
    is_sensitive,
    location_description,
    phase_on,
    standard_time_point,
)
from portal.accounts.models import Department
from portal.core.api_schema import Day, Id, Offset, OneOf, max_len
from portal.relics.access import may_use
from portal.relics.models import Relic
from portal.relics.selectors import published_relics, relic_search, relics_for

router = Router(tags=["文物普查"])
LIMIT = 200


class PhaseOut(Schema):
    on: date
    phase: str | None
    name: str | None
    notes: list[str]
    standard_time_point: date
    citations: list[str]


class RelicOut(Schema):
    id: int
    code: str
    name: str
    town: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    datum: str
    elevation: Decimal | None
    level: str
    category: str
    era: str
    ownership: str
    use: str
    state: str
    managing_body: str
    stage: str
    as_of: date


class PublicRelicOut(Schema):
    code: str
    name: str
    town: str
    level: str
    category: str
    era: str
    location: str
    longitude: Decimal | None
    latitude: Decimal | None


class Filters(Schema):
    q: Annotated[str, Field(max_length=200)] = ""
    category: Annotated[str, OneOf(("", *(c.value for c in Category)))] = ""
    level: Annotated[str, OneOf(("", *(p.value for p in ProtectionLevel)))] = ""
    town: Annotated[str, Field(max_length=max_len(Department, "code"))] = ""  # the unit's code
    offset: Offset = 0


class RegisterFilters(Filters):
    stage: Annotated[str, OneOf(("", *(s.value for s in LeadStage)))] = ""


def _out(r: Relic) -> RelicOut:
    return RelicOut(
        id=r.pk,
        code=r.code,
        name=r.name,
        town=r.department.name,
        address=r.address,
        longitude=r.longitude,
        latitude=r.latitude,
        datum=r.datum,
        elevation=r.elevation,
        level=r.level,
        category=r.category,
        era=r.era,
        ownership=r.ownership,
        use=r.use,
        state=r.state,
        managing_body=r.managing_body,
        stage=r.stage,
        as_of=r.as_of,
    )


def _public(r: Relic) -> PublicRelicOut:
    sensitive = is_sensitive(Category(r.category), marked=r.sensitive) if r.category else True
    point = (
        Coordinates(r.longitude, r.latitude)
        if r.longitude is not None and r.latitude is not None and not sensitive
        else None
    )
    return PublicRelicOut(
        code=r.code,
        name=r.name,
        town=r.department.name,
        level=r.level,
        category=r.category,
        era=r.era,
        location=location_description(
            town=r.department.name, address=r.address, point=point, sensitive=sensitive
        ),
        longitude=point.longitude if point else None,
        latitude=point.latitude if point else None,
    )


@router.get("/phase", response=PhaseOut, auth=None)
def phase(request: HttpRequest, on: Day | None = None) -> PhaseOut:
    """The census phase on a date (default today) and the standard time point."""
    day = on or timezone.localdate()
    decision = phase_on(day)
    point = standard_time_point()
    return PhaseOut(
        on=day,
        phase=decision.value.key if decision.value else None,
        name=decision.value.name if decision.value else None,
        notes=list(decision.notes),
        standard_time_point=point.value,
        citations=[c.label() for c in (*decision.citations, *point.citations)],
    )


@router.get("/relics", response=list[RelicOut])
def relic_list(request: HttpRequest, filters: Query[RegisterFilters]) -> list[RelicOut]:
    """The register as the user may see it (census teams: their own town or street)."""
    if not may_use(request.user):
        raise PermissionDenied("您的角色无权使用文物普查")
    params = filters.dict()
    offset = params.pop("offset")
    found = relic_search(relics_for(request.user), **params)[offset : offset + LIMIT]
    return [_out(r) for r in found]


@router.get("/relics/{pk}", response=RelicOut)
def relic_detail(request: HttpRequest, pk: Id) -> RelicOut:
    if not may_use(request.user):
        raise PermissionDenied("您的角色无权使用文物普查")
    return _out(get_object_or_404(relics_for(request.user), pk=pk))


@router.get("/public", response=list[PublicRelicOut], auth=None)
def public_list(request: HttpRequest, filters: Query[Filters]) -> list[PublicRelicOut]:
    """The published register; sensitive sites without coordinates."""
    params = filters.dict()
    offset = params.pop("offset")
    return [_public(r) for r in relic_search(published_relics(), **params)[offset : offset + LIMIT]]
