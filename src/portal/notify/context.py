"""Template context for the header: the signed-in user's unread count.

Settings: add ``"portal.notify.context.unread"`` to TEMPLATES[0]["OPTIONS"]["context_processors"].
The count is a callable, so the query runs only where a template shows it, and once per request.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from portal.accounts.models import User
from portal.notify.selectors import unread_count

CACHE = "_notify_unread"


def request_unread(request: HttpRequest) -> int:
    """The signed-in user's unread count, counted once per request (header and page share it)."""
    cached = getattr(request, CACHE, None)
    if cached is None:
        cached = unread_count(request.user)
        setattr(request, CACHE, cached)
    return int(cached)


def remember(request: HttpRequest, count: int) -> None:
    """A page that has just counted the unread notices shares the figure with the header."""
    setattr(request, CACHE, count)


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"notify_unread": partial(request_unread, request)}
