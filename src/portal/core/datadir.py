"""The data directory is the service account's alone: 0700, and its secrets 0600.

It holds the SQLite database (password hashes, personal data), the secret and audit keys, the
audit head file and the backups. Modes are set where files are created (``os.open`` with 0600)
and re-applied at ``chengqu setup``, ``serve``, ``migrate``, ``backup`` and ``restore``, which also
repairs a directory made by an older version with 0755/0644. SQLite gives its -wal and -shm files
the database file's mode, so an empty database file is created 0600 before SQLite first opens it.

No process-wide umask: it would reach every file the process writes (uploads, collected static
files, other libraries' files); the directory's 0700 already keeps other users out of all of them,
and the files that matter are 0600 themselves.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from django.conf import settings

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# Files of the data directory that hold secrets or personal data.
SECRET_FILES = ("secret_key", "audit_key", "audit_head", "audit_head.lock")


def sqlite_database() -> Path | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(db["NAME"])
    return None if name in ("", ":memory:") or name.startswith("file:") else Path(name)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)


def private_file(path: Path) -> None:
    """``path`` and SQLite's companions of it (-wal, -shm, -journal) readable by the owner only."""
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        _chmod(candidate, PRIVATE_FILE)


def create_private(path: Path) -> None:
    """Create an empty file with 0600 (refusing to overwrite an existing one: FileExistsError)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def secure_data_dir() -> list[Path]:
    """Apply the modes to the data directory; returns the paths it had to change."""
    data_dir = Path(settings.DATA_DIR)
    changed: list[Path] = []

    def fix(path: Path, mode: int) -> None:
        try:
            current = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            return
        if current != mode:
            os.chmod(path, mode)
            changed.append(path)

    data_dir.mkdir(parents=True, exist_ok=True)
    fix(data_dir, PRIVATE_DIR)
    audit_dir = Path(getattr(settings, "CHENGQU_AUDIT_DIR", data_dir))
    for directory in {data_dir, audit_dir}:
        for name in SECRET_FILES:
            fix(directory / name, PRIVATE_FILE)
    database = sqlite_database()
    if database is not None:
        if not database.exists() and database.parent.is_dir():
            with contextlib.suppress(FileExistsError):
                create_private(database)  # SQLite then makes -wal and -shm 0600 too
        for companion in ("", "-wal", "-shm", "-journal"):
            fix(database.with_name(database.name + companion), PRIVATE_FILE)
    backups = data_dir / "backups"
    if backups.is_dir():
        fix(backups, PRIVATE_DIR)
        for item in backups.iterdir():
            if item.is_file():
                fix(item, PRIVATE_FILE)
    return changed
