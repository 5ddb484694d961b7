"""The home page's workbench: what needs the signed-in user today, one tile per kind of work.

Each module that has work to show adds ``workbench.py`` with ``tiles(user, today) -> list[Tile]``;
its own selectors decide what the user may see, so a tile never counts another unit's records.
Tiles with nothing to do are left out: an empty workbench means nothing is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import User
from portal.core.discovery import app_submodules

Tone = Literal["red", "orange", "yellow", "blue", ""]


@dataclass(frozen=True, slots=True)
class Tile:
    module: str  # the module's key in portal.core.modules
    label: str  # what is waiting, e.g. 逾期任务
    url: str  # where to work on it
    count: int | None = None  # how many; None when ``text`` says it
    text: str = ""
    tone: Tone = ""  # red: late; orange/yellow: needs action; blue: coming up


def workbench(user: User | AnonymousUser, today: date) -> list[Tile]:
    """Every module's tiles for ``user``, in INSTALLED_APPS order."""
    tiles: list[Tile] = []
    for module in app_submodules("workbench", exclude=("portal.core",)):
        tiles.extend(module.tiles(user, today))
    return tiles
