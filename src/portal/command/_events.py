"""The incident's timeline, written by the services of ``services`` and ``plan_services``.

Internal to the command module's writes: it neither checks permission nor audits (its callers do).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from chengqu.common import Citation, DomainError
from portal.accounts.models import User
from portal.command.models import Event, Incident


def event_add(
    incident: Incident,
    text: str,
    *,
    actor: User | None,
    kind: str,
    citation: Citation | None = None,
    at: datetime | None = None,
) -> Event:
    """One line on the incident's timeline, with the clause it follows when there is one."""
    return Event.objects.create(
        incident=incident,
        at=at or timezone.now(),
        kind=kind,
        text=text,
        actor=actor,
        document=citation.document if citation else "",
        clause=citation.clause if citation else "",
    )


def incident_ensure_open(incident: Incident) -> None:
    """A closed incident takes no more reports or changes."""
    if incident.status == Incident.Status.CLOSED:
        raise DomainError(
            "command.incident_closed", "该事件已终止, 不能再登记报告或修改", field=None
        )
