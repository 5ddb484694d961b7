"""The chain's head and key as the database and the data directory see them together.

Not services: nothing here writes an audit entry. :func:`head_file_update` moves the head file
after a commit, :func:`committed_head` reads the head row, :func:`audit_key_ensure` checks at
start-up that the key is the one the chain was written with.
"""

from __future__ import annotations

import logging

from portal.audit import anchor
from portal.audit.chain import Anchor, key_id
from portal.audit.models import AuditHead

log = logging.getLogger(__name__)


def committed_head() -> Anchor | None:
    """The database's head row as an anchor record (None: nothing written yet)."""
    row = AuditHead.objects.filter(pk=1).values_list("seq", "hash", "mac", "keyed_from").first()
    if row is None:
        return None
    seq, digest, mac, keyed_from = row
    key = anchor.load_key()
    return Anchor(
        seq=seq, hash=digest, mac=mac, key_id=key_id(key) if key else "", keyed_from=keyed_from
    )


def head_file_update() -> None:
    """Move the head file forward to the committed head (run after commit; safe to run any time)."""
    try:
        head = committed_head()
        if head is not None:
            anchor.advance(head)
    except Exception:  # the data is committed; a lagging file is reported by verify, not a 500
        log.exception("审计链头文件未能更新")


def audit_key_ensure() -> bytes:
    """At ``chengqu setup`` and ``serve``: the key exists (made if the chain has no MAC yet) and is
    the one the head file names; otherwise the platform refuses to start, saying what to restore."""
    head = AuditHead.objects.filter(pk=1).first()
    key = anchor.load_key(create=True, chain_keyed=head is not None and head.keyed_from > 0)
    assert key is not None
    recorded, _ = anchor.read_anchor()
    if recorded is not None and recorded.key_id and recorded.key_id != key_id(key):
        raise anchor.AuditKeyMissing(
            f"当前审计密钥 (标识 {key_id(key)}) 不是写入审计链的密钥 (链头文件登记 {recorded.key_id}):"
            " 请从备份恢复 audit_key 或设置正确的 CHENGQU_AUDIT_KEY"
        )
    return key
