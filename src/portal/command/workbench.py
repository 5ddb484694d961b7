"""Workbench tiles of the command module: open incidents and their overdue reporting clocks."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.models import User
from portal.command.models import Incident
from portal.command.selectors import incidents_visible, overdue_counts
from portal.core.workbench import Tile

OPEN_SCAN = 500  # the newest open incidents whose clocks are checked on the home page


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    if not isinstance(user, User):
        return []
    open_incidents = incidents_visible(user).exclude(status=Incident.Status.CLOSED)
    count = open_incidents.count()
    if not count:
        return []
    url = reverse("command:incidents")
    out = [Tile("command", "处置中的突发事件", url, count=count, tone="orange")]
    newest = list(open_incidents.order_by("-occurred_at", "-pk")[:OPEN_SCAN])
    late = sum(overdue_counts(newest).values())
    if late:
        out.append(Tile("command", "已超时的报告时限", url, count=late, tone="red"))
    return out
