"""Workbench tiles of the supervision module: the user's unit's overdue, returned and due-soon items."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from chengqu.supervision.loop import due_soon_days
from portal.accounts.models import User
from portal.core.workbench import Tile
from portal.supervision.models import LoopItem
from portal.supervision.selectors import OPEN_STATES, visible_items


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    if not isinstance(user, User):
        return []
    out: list[Tile] = []
    soon = today + timedelta(days=due_soon_days())
    for kind, noun, url in (
        (LoopItem.Kind.TASK, "任务", reverse("supervision:index")),
        (LoopItem.Kind.HAZARD, "火灾隐患", reverse("supervision:hazards")),
    ):
        items = visible_items(user, kind).filter(state__in=OPEN_STATES)
        overdue = items.filter(due__lt=today).count()
        returned = items.filter(state="returned").count()
        coming = items.filter(due__gte=today, due__lte=soon).count()
        if overdue:
            out.append(
                Tile("supervision", f"逾期{noun}", f"{url}?overdue=1", count=overdue, tone="red")
            )
        if returned:
            out.append(
                Tile(
                    "supervision",
                    f"被退回的{noun}",
                    f"{url}?status=returned",
                    count=returned,
                    tone="yellow",
                )
            )
        if coming:
            out.append(
                Tile(
                    "supervision",
                    f"{due_soon_days()}日内到期的{noun}",
                    url,
                    count=coming,
                    tone="blue",
                )
            )
    return out
