"""Workbench tiles of the relics census: finds waiting for an expert, warnings to confirm."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.models import User
from portal.core.workbench import Tile
from portal.relics.access import is_bureau, is_expert
from portal.relics.selectors import review_queue


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    if not isinstance(user, User) or not (is_expert(user) or is_bureau(user)):
        return []
    leads, warnings = review_queue(user)
    url = reverse("relics:review")
    out: list[Tile] = []
    if count := leads.count():
        out.append(Tile("relics", "待专家认定的新发现", url, count=count, tone="yellow"))
    if count := warnings.count():
        out.append(Tile("relics", "待确认的质量提示", url, count=count, tone="blue"))
    return out
