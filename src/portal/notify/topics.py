"""What the modules register with the inbox: the topics one may subscribe to, and the sweeps
that send notices on a schedule.

A module adds ``notices.py`` with ``TOPICS`` (a :class:`TopicSource`) and/or ``SWEEPS`` (functions
``sweep(*, now) -> list[Notification]``); :func:`topic_sources` and :func:`sweeps` find them
through :func:`portal.core.discovery.app_submodules`. The inbox itself names no module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from portal.accounts.roles import Role
from portal.core.discovery import app_submodules

if TYPE_CHECKING:
    from portal.notify.models import Notification


class Topic(NamedTuple):
    key: str  # what a subscription stores, e.g. an HQ key
    name: str  # what the subscription page shows
    words: tuple[str, ...]  # the everyday words that lead to it


@dataclass(frozen=True, slots=True)
class TopicSource:
    """A module's topics, and the roles that may subscribe to them (a notice under one of them
    carries what only those roles may read; a subscriber who loses the role stops receiving)."""

    topics: Callable[[], Sequence[Topic]]
    roles: tuple[Role, ...]
    refusal: str  # shown to a user without one of ``roles`` who tries to subscribe


Sweep = Callable[..., "list[Notification]"]


def topic_sources() -> list[TopicSource]:
    return [m.TOPICS for m in app_submodules("notices") if getattr(m, "TOPICS", None)]


def sweeps() -> list[Sweep]:
    found: list[Sweep] = []
    for module in app_submodules("notices"):
        found.extend(getattr(module, "SWEEPS", ()))
    return found


def run_sweeps(*, now: datetime | None = None) -> list[Notification]:
    """Every module's sweep, in app order; the notices they sent."""
    sent: list[Notification] = []
    for sweep in sweeps():
        sent.extend(sweep(now=now))
    return sent
