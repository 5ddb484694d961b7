"""JSON API of the notification inbox, mounted at /api/v1/notify/.

Signed-in users only (the API's django_auth); each sees the notices that reach them, and a
notice that does not is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from portal.core.api_schema import Id, Offset, OneOf
from portal.core.auth import current_user
from portal.notify import selectors, services
from portal.notify.models import Notification

router = Router(tags=["消息通知"])
# A kind narrows the inbox; empty means every kind.
Kind = Annotated[str, OneOf(("", *Notification.Kind.values))]


def _row(n: Notification) -> dict[str, Any]:
    read_at = getattr(n, "read_at", None)
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "topic": n.topic,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "source": n.source,
        "created_at": n.created_at.isoformat(),
        "read_at": read_at.isoformat() if read_at else None,
    }


@router.get("/")
def inbox(
    request: HttpRequest,
    kind: Kind = "",
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The inbox, unread first; ``limit`` at most 200."""
    user = current_user(request)
    qs = selectors.inbox(user, kind=kind, unread_only=unread)
    return {
        "unread": selectors.unread_count(user),
        "items": [_row(n) for n in qs[offset : offset + limit]],
    }


@router.get("/unread-count")
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(current_user(request))}


@router.post("/{pk}/read")
def read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    user = current_user(request)
    notification = selectors.notification_get(user, pk)
    receipt = services.mark_read(user=user, notification=notification)
    return {
        "id": pk,
        "read_at": receipt.read_at.isoformat(),
        "unread": selectors.unread_count(user),
    }


@router.post("/read-all")
def read_all(request: HttpRequest, kind: Kind = "") -> dict[str, int]:
    user = current_user(request)
    marked = services.mark_all_read(user=user, kind=kind)
    return {"marked": marked, "unread": selectors.unread_count(user)}


@router.get("/subscriptions")
def subscriptions(request: HttpRequest) -> dict[str, Any]:
    chosen = selectors.subscribed_topics(current_user(request))
    return {
        "topics": [
            {"key": key, "name": name, "words": list(words), "subscribed": key in chosen}
            for key, name, words in selectors.topics()
        ]
    }
