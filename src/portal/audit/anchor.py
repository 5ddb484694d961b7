"""What the audit chain keeps outside the database: its key and its head file.

- The key: ``CHENGQU_AUDIT_KEY`` from the environment, or ``<audit dir>/audit_key`` (created 0600
  on first use, like ``secret_key``). A new key is only ever made for a chain that has no MAC yet:
  once entries carry MACs, a missing key is an error to fix (restore the file from its backup),
  never a reason to start a second key silently.
- The head file ``<audit dir>/audit_head``: the last committed entry's seq, hash and MAC, replaced
  atomically (temporary file, rename) after each audited transaction commits, under a file lock
  so that it only ever moves forward.

``<audit dir>`` is the data directory (setting ``CHENGQU_AUDIT_DIR``; tests point it elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.audit.chain import Anchor

log = logging.getLogger(__name__)

KEY_FILE = "audit_key"
HEAD_FILE = "audit_head"
LOCK_FILE = "audit_head.lock"
MIN_KEY_LENGTH = 32

_keys: dict[tuple[str, str], bytes] = {}
_keys_lock = threading.Lock()


def audit_dir() -> Path:
    return Path(settings.CHENGQU_AUDIT_DIR)


def head_file() -> Path:
    return audit_dir() / HEAD_FILE


def key_file() -> Path:
    return audit_dir() / KEY_FILE


class AuditKeyMissing(ImproperlyConfigured):
    pass


def _from_text(text: str, origin: str) -> bytes:
    text = text.strip()
    if len(text) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"审计密钥 ({origin}) 太短: 至少 {MIN_KEY_LENGTH} 个字符")
    return text.encode("utf-8")


def load_key(*, create: bool = False, chain_keyed: bool = False) -> bytes | None:
    """The audit key, or None when there is none and ``create`` is false.

    ``chain_keyed`` says the chain already has MACs (``AuditHead.keyed_from``): then a missing
    key file is refused rather than replaced.
    """
    given = str(getattr(settings, "CHENGQU_AUDIT_KEY", "") or "")
    if given:
        return _from_text(given, "CHENGQU_AUDIT_KEY")
    path = key_file()
    cache_key = (str(path), "")
    with _keys_lock:
        if cache_key in _keys:
            return _keys[cache_key]
        if not path.exists():
            if not create:
                return None
            anchored = read_anchor()[0]
            if chain_keyed or (anchored is not None and anchored.key_id):
                raise AuditKeyMissing(
                    f"审计密钥文件 {path} 不见了, 而审计链已用密钥写入: 请从备份恢复该文件"
                    " (或设置 CHENGQU_AUDIT_KEY), 不会另建新密钥"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(
                FileExistsError
            ):  # another process made it first: use that one
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
        key = _from_text(path.read_text(encoding="utf-8"), str(path))
        _keys[cache_key] = key
        return key


# ------------------------------------------------------------------ head file


def read_anchor(path: Path | None = None) -> tuple[Anchor | None, str | None]:
    """The head file's record, or (None, why) when it is missing or unreadable."""
    path = path or head_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"链头文件 {path} 无法读取: {exc.strerror}"
    try:
        return Anchor.from_json(json.loads(text)), None
    except ValueError:
        return None, f"链头文件 {path} 内容无法识别"


def write_json_private(path: Path, data: object, *, durable: bool = True) -> None:
    """Write JSON to ``path`` atomically (temporary file, rename), readable by the owner only.

    ``durable`` also fsyncs before the rename. The head file after each commit skips it: that
    fsync cost more than the transaction (bench/audit_chain.py), and what a crash can leave, an
    older head file, is what verify tolerates (the later entries are checked by their MAC).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # an existing temporary file keeps its mode through O_TRUNC
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


if sys.platform == "win32":  # waitress also runs on the offices' Windows machines
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)


@contextlib.contextmanager
def head_lock() -> Iterator[None]:
    """Serialise head-file writers across threads and processes (a lock on a side file)."""
    path = audit_dir() / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def merged(current: Anchor | None, db_head: Anchor) -> Anchor | None:
    """What to write when the database's committed head is ``db_head``; None: leave the file.

    The file only moves forward (a slower transaction's callback never puts it back), and its
    ``keyed_from`` only goes down: MACs once recorded stay required even if the database forgets.
    """
    if current is not None and current.seq >= db_head.seq:
        return None
    keyed_from = db_head.keyed_from
    if (
        current is not None
        and current.keyed_from
        and (not keyed_from or current.keyed_from < keyed_from)
    ):
        keyed_from = current.keyed_from
    return Anchor(
        seq=db_head.seq,
        hash=db_head.hash,
        mac=db_head.mac,
        key_id=db_head.key_id,
        keyed_from=keyed_from,
    )


def advance(db_head: Anchor, *, force: bool = False, durable: bool = False) -> Anchor | None:
    """Move the head file forward to ``db_head``; ``force`` sets it as given (after a restore)."""
    with head_lock():
        current, _ = read_anchor()
        new = db_head if force else merged(current, db_head)
        if new is not None:
            write_json_private(head_file(), new.as_json(), durable=durable or force)
        return new
