"""Writes of the inbox: :func:`notify` (the one function other modules call), read state and
subscriptions.

``notify`` writes the notice and its addressees in the caller's transaction: if the caller's
work is rolled back, so is the notice, and nothing goes out. External channels (SMS, e-mail,
log) run only after the commit, one delivery per user and channel, each recorded with its
result; a failing channel never takes the in-app notice with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.models import Department, Position, User
from portal.audit.services import audit_record
from portal.notify.actions import NotifyAction
from portal.notify.channels import Message, Recipient, external_channels
from portal.notify.models import Address, Delivery, Notification, Receipt, Subscription
from portal.notify.selectors import (
    recipients_of,
    subscribe_refusal,
    subscribers_of_topics,
    topics,
    unread,
)

log = logging.getLogger("portal.notify")


def _ids(items: Iterable[object]) -> list[int]:
    """Model instances or primary keys → unique ids, in order, Nones dropped."""
    seen: dict[int, None] = {}
    for item in items:
        if item is None:
            continue
        pk = item if isinstance(item, int) else getattr(item, "pk", None)
        if isinstance(pk, int):
            seen[pk] = None
    return list(seen)


@transaction.atomic
def notify(
    *,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = Notification.Kind.MESSAGE,
    topic: str = "",
    source: str = "",
    sender: User | None = None,
    users: Iterable[User | int] = (),
    positions: Iterable[Position | int] = (),
    units: Iterable[Department | int] = (),
    subscribers_of: Iterable[str] = (),  # topic keys a module registered (notify.topics)
    key: str | None = None,
    reason: str = "",
) -> Notification | None:
    """Send a notice to users, posts (whoever holds them), units (all their users) and the
    subscribers of topics (who still hold a role that may subscribe to them).

    Returns the notice, or None when nobody is addressed. With ``key``, a notice already sent
    under the same key is returned as it is and nothing is sent again.
    """
    clean = " ".join(title.split())
    if not clean:
        raise DomainError("notify.title_missing", "通知标题不能为空", field="title")
    if kind not in Notification.Kind.values:
        raise DomainError("notify.kind_invalid", f"未定义的通知类别: {kind}", field="kind")
    if key:
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
    user_ids = _ids(users)
    position_ids = _ids(positions)
    unit_ids = _ids(units)
    wanted = [t for t in dict.fromkeys(subscribers_of) if t]
    subscriber_ids = [pk for pk in subscribers_of_topics(topics=wanted) if pk not in user_ids]
    if not (user_ids or position_ids or unit_ids or subscriber_ids):
        return None
    notification = Notification.objects.create(
        kind=kind,
        topic=topic or (wanted[0] if len(wanted) == 1 else ""),
        title=clean[:200],
        body=body.strip(),
        url=url,
        source=source[:300],
        sender=sender,
        key=key or None,
        created_at=timezone.now(),
    )
    subscribed = f"订阅: {'、'.join(wanted)}"[:128]
    Address.objects.bulk_create(
        [Address(notification=notification, user_id=pk, reason=reason) for pk in user_ids]
        + [
            Address(notification=notification, user_id=pk, reason=subscribed)
            for pk in subscriber_ids
        ]
        + [Address(notification=notification, position_id=pk, reason=reason) for pk in position_ids]
        + [Address(notification=notification, department_id=pk, reason=reason) for pk in unit_ids]
    )
    audit_record(
        actor=sender,
        action=NotifyAction.SEND,
        obj=notification,
        after={
            "title": notification.title,
            "kind": kind,
            "users": user_ids + subscriber_ids,
            "positions": position_ids,
            "units": unit_ids,
            "topics": wanted,
        },
    )
    if external_channels():
        transaction.on_commit(partial(deliver, notification_id=notification.pk), robust=True)
    return notification


def _recipient(user: User) -> Recipient:
    person = getattr(user, "person", None)
    phone = user.phone or (person.phone if person is not None else "")
    return Recipient(
        user_id=user.pk, username=user.username, name=str(user), phone=phone, email=user.email
    )


def deliver(*, notification_id: int) -> list[Delivery]:
    """Hand the notice to every configured external channel, once per user and channel.

    Runs after the commit. Each attempt is recorded: sent, skipped (no phone or address) or
    failed with the error; a failure is logged and never raised.
    """
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return []
    message = Message(notification.pk, notification.title, notification.body, notification.url)
    users = list(
        User.objects.filter(pk__in=recipients_of(notification=notification))
        .select_related("person")
        .order_by("pk")
    )
    done = set(notification.deliveries.values_list("user_id", "channel"))
    records: list[Delivery] = []
    for channel in external_channels():
        for user in users:
            if (user.pk, channel.name) in done:
                continue
            recipient = _recipient(user)
            target = channel.target(recipient)
            status, error = Delivery.Status.SENT, ""
            if not target:
                status = Delivery.Status.SKIPPED
            else:
                try:
                    channel.send(recipient, message)
                except Exception as exc:  # any provider error: recorded, the in-app notice stays
                    status, error = Delivery.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
                    log.warning("notify: %s to %s failed: %s", channel.name, user.username, error)
            records.append(
                Delivery(
                    notification=notification,
                    user=user,
                    channel=channel.name,
                    target=target[:254],
                    status=status,
                    error=error,
                    attempted_at=timezone.now(),
                )
            )
    Delivery.objects.bulk_create(records)
    return records


# ------------------------------------------------------------------ read state


def mark_read(*, user: User, notification: Notification) -> Receipt:
    """Mark one notice read for ``user`` (the caller has checked that it reaches the user)."""
    receipt, _ = Receipt.objects.get_or_create(
        user=user, notification=notification, defaults={"read_at": timezone.now()}
    )
    return receipt


def mark_all_read(*, user: User, kind: str = "") -> int:
    """Mark every unread notice that reaches ``user`` (of one kind, if given) read; returns how many."""
    qs = unread(user)
    if kind:
        qs = qs.filter(kind=kind)
    now = timezone.now()
    ids = list(qs.values_list("pk", flat=True))
    Receipt.objects.bulk_create(
        [Receipt(user=user, notification_id=pk, read_at=now) for pk in ids], ignore_conflicts=True
    )
    return len(ids)


# ------------------------------------------------------------------ subscriptions


@transaction.atomic
def subscriptions_set(*, user: User, wanted: Iterable[str]) -> set[str]:
    """Replace the user's subscriptions by ``wanted`` (HQ keys); an unknown key is refused."""
    known = {t.key for t in topics()}
    chosen = set(wanted)
    refusal = subscribe_refusal(user=user, topics=chosen & known)
    if refusal:
        raise DomainError("notify.subscribe_forbidden", refusal, field="topics")
    unknown = sorted(chosen - known)
    if unknown:
        raise DomainError(
            "notify.topic_unknown", f"未定义的事件类型: {'、'.join(unknown)}", field="topics"
        )
    current = set(Subscription.objects.filter(user=user).values_list("topic", flat=True))
    Subscription.objects.filter(Q(user=user), ~Q(topic__in=chosen)).delete()
    now = timezone.now()
    Subscription.objects.bulk_create(
        [Subscription(user=user, topic=t, created_at=now) for t in sorted(chosen - current)]
    )
    if chosen != current:
        audit_record(
            actor=user,
            action=NotifyAction.SUBSCRIPTIONS,
            obj=user,
            before=sorted(current),
            after=sorted(chosen),
        )
    return chosen
