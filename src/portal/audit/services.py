"""Writing the audit log. Every service calls :func:`audit_record` inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from portal.accounts.models import User
from portal.audit.chain import GENESIS, content_of, entry_hash, to_json_value
from portal.audit.models import AuditEntry, AuditHead


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The instance's concrete fields as JSON-ready values, for ``before`` and ``after``."""
    data = model_to_dict(instance, exclude=[*exclude, "password"])
    data["id"] = instance.pk
    return dict(to_json_value(data))


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's transaction.

    The head row is locked first (SELECT … FOR UPDATE), so concurrent writers take turns and
    the chain never forks; on SQLite the IMMEDIATE transaction mode does the same.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    actor_name = str(actor)[:150] if actor is not None else "系统"
    before_json = to_json_value(before)
    after_json = to_json_value(after)
    content = content_of(
        seq=head.seq + 1,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before_json,
        after=after_json,
        prev_hash=head.hash,
    )
    digest = entry_hash(content)
    entry = AuditEntry.objects.create(
        seq=head.seq + 1,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before_json,
        after=after_json,
        prev_hash=head.hash,
        hash=digest,
    )
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=digest)
    return entry
