"""Reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from portal.audit import anchor
from portal.audit.chain import GENESIS, ChainReport, StoredEntry, content_of, verify
from portal.audit.models import AuditEntry, AuditHead


def audit_entries_for(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("seq")


def audit_entries(*, action: str = "", obj: str = "") -> QuerySet[AuditEntry]:
    """The log, newest first: actions starting with ``action``, objects whose name contains ``obj``.

    Readable by auditors and administrators only (the views check the role)."""
    entries = AuditEntry.objects.order_by("-seq")
    if action:
        entries = entries.filter(action__startswith=action)
    if obj:
        entries = entries.filter(object_repr__contains=obj)
    return entries


def stored_entries(
    *,
    unsealed_only: bool = False,
    after_seq: int = 0,
    limit: int | None = None,
    batch_size: int = 2000,
) -> Iterator[StoredEntry]:
    """Entries in sequence order as verification sees them; ``unsealed_only``: those without a MAC."""
    rows = AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq")
    if unsealed_only:
        rows = rows.filter(mac="")
    if limit is not None:
        rows = rows[:limit]
    for row in rows.iterator(chunk_size=batch_size):
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
        yield StoredEntry(content=content, hash=row.hash, mac=row.mac)


def audit_chain_verify(*, use_head_file: bool = True) -> ChainReport:
    """Check the chain: hashes, MACs with the key (if present) and the head file (if present).

    Never creates a key: with the key lost, the chain is checked by its hashes only (a warning
    says so). ``use_head_file=False`` checks the database alone (a restore, before the file is
    reset to the restored head).
    """
    head = AuditHead.objects.filter(pk=1).first()
    key = anchor.load_key()
    recorded, note = anchor.read_anchor() if use_head_file else (None, None)
    return verify(
        stored_entries(),
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else GENESIS,
        key=key,
        anchor=recorded,
        anchor_note=note,
        expect_anchor=use_head_file,
    )
