"""Writing the audit log. Every service calls :func:`audit_record` inside its own transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.audit import anchor
from portal.audit.actions import AuditChainAction
from portal.audit.chain import (
    GENESIS,
    content_of,
    entry_digests,
    entry_mac,
    key_id,
    to_json_value,
    verify,
)
from portal.audit.head import head_file_update
from portal.audit.models import AuditEntry, AuditHead
from portal.audit.selectors import stored_entries

log = logging.getLogger(__name__)


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
    key = anchor.load_key(create=True, chain_keyed=head.keyed_from > 0)
    assert key is not None
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
    digest, mac = entry_digests(key, content)
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
        mac=mac,
    )
    AuditHead.objects.filter(pk=1).update(
        seq=entry.seq, hash=digest, mac=mac, keyed_from=head.keyed_from or entry.seq
    )
    _head_file_after_commit(conn)
    return entry


def _head_file_after_commit(conn: Any) -> None:
    """Once per transaction, after it commits: move the head file to the committed head.

    Registered once (a batch that records 100,000 entries in one transaction writes the file
    once); a savepoint rolled back drops the registration with it, and the next entry adds it
    again. After a crash between commit and callback the file lags; ``audit verify`` says so.
    """
    if not any(func is head_file_update for _, func, _ in conn.run_on_commit):
        transaction.on_commit(head_file_update)


SEAL_BATCH = 2000


@dataclass(frozen=True, slots=True)
class SealResult:
    sealed: int
    first_seq: int
    last_seq: int
    entry: AuditEntry | None


def audit_chain_seal(*, actor: User | None = None) -> SealResult:
    """``chengqu audit rekey``: give the entries written before the key existed their MAC, once.

    The unkeyed chain is verified first, under the head lock (no writer runs meanwhile): a
    chain already broken is refused, so sealing never vouches for a known alteration. The seal
    itself is recorded as an entry (``audit.seal``) and, through it, in the head file.
    """
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"hash": GENESIS}
        )
        key = anchor.load_key(create=True, chain_keyed=head.keyed_from > 0)
        assert key is not None
        report = verify(stored_entries(), head_seq=head.seq, head_hash=head.hash, key=key)
        if report.problem is not None:
            raise DomainError(
                "audit.chain_broken", "审计链已断开, 不能封存: " + report.problem.message()
            )
        sealed, first, last = 0, 0, 0
        with transaction.get_connection().cursor() as cursor:
            while chunk := list(
                stored_entries(unsealed_only=True, after_seq=last, limit=SEAL_BATCH)
            ):
                # The one update an entry ever receives: its empty MAC filled in (never replaced).
                cursor.executemany(
                    "UPDATE audit_auditentry SET mac = %s WHERE seq = %s AND mac = ''",
                    [(entry_mac(key, e.content), e.seq) for e in chunk],
                )
                first, last, sealed = first or chunk[0].seq, chunk[-1].seq, sealed + len(chunk)
        if not sealed:
            return SealResult(0, 0, 0, None)
        AuditHead.objects.filter(pk=1).update(keyed_from=1)
        entry = audit_record(
            actor=actor,
            action=AuditChainAction.SEAL,
            object_type="audit.chain",
            object_repr="审计链",
            after={"sealed": sealed, "first_seq": first, "last_seq": last, "key_id": key_id(key)},
        )
    return SealResult(sealed, first, last, entry)
