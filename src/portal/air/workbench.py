"""Workbench tiles of the air module: the warning in force (for everyone) and unsigned orders."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.models import User
from portal.air.models import WarningDecision
from portal.air.selectors import (
    acknowledgements_for,
    current_episode,
    enterprise_of,
    list_entries_for,
)
from portal.core.workbench import Tile, Tone

TONES: dict[str, Tone] = {"red": "red", "orange": "orange", "yellow": "yellow"}


def tiles(user: User | AnonymousUser, today: date) -> list[Tile]:
    out: list[Tile] = []
    episode = current_episode()
    if episode is not None and episode.level in TONES:
        out.append(
            Tile(
                "air",
                "重污染天气",
                reverse("air:index"),
                text=f"{episode.get_level_display()}生效中",
                tone=TONES[episode.level],
            )
        )
    if isinstance(user, User):
        waiting = (
            acknowledgements_for(user)
            .filter(
                received_at__isnull=True,
                decision__episode__is_open=True,
                decision__status=WarningDecision.Status.PUBLISHED,
            )
            .count()
        )
        if waiting:
            out.append(
                Tile("air", "待签收的预警指令", reverse("air:unit"), count=waiting, tone="red")
            )
        if episode is not None and episode.level in TONES and enterprise_of(user) is not None:
            entries = list_entries_for(user).count()
            if entries:
                out.append(
                    Tile(
                        "air",
                        "本企业须执行的应急减排措施",
                        reverse("air:enterprise"),
                        text=f"{entries} 项清单记录",
                        tone=TONES[episode.level],
                    )
                )
    return out
