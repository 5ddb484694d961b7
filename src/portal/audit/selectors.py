"""Reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from portal.audit.chain import GENESIS, ChainReport, StoredEntry, content_of, verify
from portal.audit.models import AuditEntry, AuditHead


def audit_entries_for(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("seq")


def _stored(batch_size: int = 2000) -> Iterator[StoredEntry]:
    for row in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        content = content_of(
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            object_repr=row.object_repr,
            before=row.before,
            after=row.after,
            prev_hash=row.prev_hash,
        )
        yield StoredEntry(content=content, hash=row.hash)


def audit_chain_verify() -> ChainReport:
    head = AuditHead.objects.filter(pk=1).first()
    return verify(
        _stored(),
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else GENESIS,
    )
