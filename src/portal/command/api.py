"""JSON API of the command module, mounted at /api/v1/command/: routing, HQs, incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from chengqu.command import route_incident
from chengqu.common import Citation
from portal.accounts.models import Department
from portal.accounts.roles import Role, has_role
from portal.command import services
from portal.command.access import WRITE_ROLES
from portal.command.models import Headquarters, Incident
from portal.command.selectors import (
    READ_ROLES,
    clock_rows,
    commanders_by_hq,
    current_roster,
    department_by_code,
    hq_get,
    hq_list,
    hq_seats,
    incident_get,
    incidents_by_ids,
    incidents_visible,
)
from portal.core.api_schema import Id, Moment, Offset, OneOf, max_len
from portal.core.auth import current_user

router = Router(tags=["应急指挥"])
HqKey = Annotated[str, Field(max_length=max_len(Headquarters, "key"))]


def _require(request: HttpRequest, *roles: Role) -> None:
    if not has_role(request.user, *(roles or tuple(Role))):
        raise PermissionDenied("您的角色无权访问")


def _cite(c: Citation | None) -> dict[str, str] | None:
    return None if c is None else {"document": c.document, "clause": c.clause, "text": c.text}


@router.get("/route")
def route(
    request: HttpRequest, q: Annotated[str, Query(max_length=max_len(Incident, "incident_type"))]
) -> dict[str, Any]:
    """Routing: who commands, who must be told; candidates when the words are unclear."""
    _require(request)
    decision = route_incident(q, roster=current_roster())
    return {
        "status": str(decision.value.status),
        "matched_words": list(decision.value.matched_words),
        "routes": [r.as_dict() for r in decision.value.routes],
        "notes": list(decision.notes),
        "citations": [_cite(c) for c in decision.citations],
    }


@router.get("/hqs")
def hqs(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request)
    names = commanders_by_hq()
    return [
        {
            "key": h.key,
            "kind": h.kind,
            "name": h.name,
            "office_host": h.office_host.name,
            "parent": h.parent.key if h.parent else None,
            "commanders": names.get(h.pk, []),
            "citation": _cite(h.citation),
        }
        for h in hq_list()
    ]


@router.get("/hqs/{key}")
def hq(request: HttpRequest, key: HqKey) -> dict[str, Any]:
    _require(request)
    row = hq_get(key)
    return {
        "key": row.key,
        "kind": row.kind,
        "name": row.name,
        "also": row.also,
        "parent": row.parent.key if row.parent else None,
        "seats": [
            {
                "role": s.seat.role,
                "position": s.seat.post.title,
                "post": s.seat.post.key,
                "holder": s.holder,
                "as_written": s.seat.as_written,
                "citation": _cite(s.seat.citation),
            }
            for s in hq_seats(row)
        ],
        "office": {
            "host": row.office_host.name,
            "text": row.office_text,
            "duties": row.office_duties,
            "citation": _cite(row.office_citation),
        },
        "duties": row.duties,
        "duties_citation": _cite(row.duties_citation),
        "groups": row.groups,
        "citation": _cite(row.citation),
    }


def _incident(i: Incident) -> dict[str, Any]:
    return {
        "id": i.pk,
        "incident_type": i.incident_type,
        "place": i.place,
        "occurred_at": i.occurred_at,
        "learned_at": i.learned_at,
        "status": i.status,
        "hq": i.hq.key if i.hq else None,
        "candidates": i.candidates,
        "plan": i.plan,
        "level": i.level,
        "warning": i.warning,
        "grade": i.grade,
        "department": i.department.name if i.department else None,
    }


@router.get("/incidents")
def incidents(
    request: HttpRequest,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    _require(request, *READ_ROLES)
    qs = incidents_visible(request.user)
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    return {"count": qs.count(), "items": [_incident(i) for i in incidents_by_ids(ids)]}


class IncidentIn(Schema):
    # The time and the place are required, as published; the service refuses an incident without
    # them with 400 and a message naming the field (command.time_missing, command.place_missing).
    model_config = ConfigDict(
        json_schema_extra={"required": ["incident_type", "occurred_at", "place"]}
    )

    incident_type: Annotated[
        str, Field(min_length=1, max_length=max_len(Incident, "incident_type"))
    ]
    occurred_at: Moment | None = None
    learned_at: Moment | None = None
    place: Annotated[
        str, Field(max_length=max_len(Incident, "place"), json_schema_extra={"minLength": 1})
    ] = ""
    description: str = ""
    reporter: Annotated[str, Field(max_length=max_len(Incident, "reporter"))] = ""
    grade: Annotated[str, OneOf(tuple(Incident.Grade.values))] = ""
    department: Annotated[str, Field(max_length=max_len(Department, "code"))] | None = (
        None  # unit code
    )
    hq: HqKey = ""


@router.post("/incidents", response={201: dict})
def incident_create(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    _require(request, *WRITE_ROLES)
    department = department_by_code(payload.department) if payload.department else None

    def aware(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return timezone.make_aware(moment)

    incident = services.incident_register(
        actor=current_user(request),
        incident_type=payload.incident_type,
        occurred_at=aware(payload.occurred_at),
        learned_at=aware(payload.learned_at),
        place=payload.place,
        description=payload.description,
        reporter=payload.reporter,
        grade=payload.grade,
        department=department,
        hq_key=payload.hq,
    )
    return Status(201, incident_detail(request, incident.pk))


@router.get("/incidents/{pk}")
def incident_detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    _require(request, *READ_ROLES)
    incident = incident_get(request.user, pk)
    now = timezone.now()
    body = _incident(incident)
    body["deadlines"] = [
        {
            "key": r.deadline.key,
            "report": r.deadline.report,
            "reporter": r.deadline.reporter,
            "recipients": list(r.deadline.recipients),
            "due": r.deadline.due,
            "remaining_minutes": None
            if r.remaining is None
            else int(r.remaining.total_seconds() // 60),
            "overdue": r.overdue,
            "required_content": list(r.deadline.required_content),
            "filed": None
            if r.filed is None
            else {
                "at": r.filed.filed_at,
                "by": str(r.filed.filed_by) if r.filed.filed_by else None,
                "late": r.filed.late,
                "complete": r.filed.complete,
            },
            "notes": list(r.deadline.notes),
            "citation": _cite(r.deadline.citation),
        }
        for r in clock_rows(incident, now=now)
    ]
    body["timeline"] = [
        {"at": e.at, "kind": e.kind, "text": e.text, "citation": _cite(e.citation)}
        for e in incident.events.all()
    ]
    return body
