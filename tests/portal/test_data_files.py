"""Files only the service can read, and backups that carry the audit head: `chengqu` as a user runs it."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CHENGQU = [sys.executable, "-m", "portal.cli"]


def run(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS", "CHENGQU_AUDIT"))
    }
    env.update(CHENGQU_DATA_DIR=str(data_dir), CHENGQU_ADMIN_PASSWORD="Initial-Admin-Pass-1")
    result = subprocess.run([*CHENGQU, *args], capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(
            f"chengqu {' '.join(args)} exited {result.returncode}: {result.stderr}"
        )
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def db_rows(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(data_dir / "chengqu.sqlite3") as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("site") / "var"
    run(data_dir, "setup")
    return data_dir


def test_setup_leaves_the_data_directory_and_its_secrets_to_the_service_alone(site):
    assert mode(site) == 0o700
    for name in ("chengqu.sqlite3", "secret_key", "audit_key", "audit_head"):
        assert mode(site / name) == 0o600, name
    # SQLite gives the write-ahead log and shared memory the database file's mode.
    conn = sqlite3.connect(site / "chengqu.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        conn.execute(
            "UPDATE accounts_department SET name = name WHERE id = (SELECT min(id) FROM accounts_department)"
        )
        conn.commit()
        for companion in ("chengqu.sqlite3-wal", "chengqu.sqlite3-shm"):
            assert mode(site / companion) == 0o600, companion
    finally:
        conn.close()


def test_a_data_directory_left_readable_by_an_older_version_is_made_private_again(tmp_path):
    data_dir = tmp_path / "old"
    run(data_dir, "migrate")
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "chengqu.sqlite3", 0o644)
    run(data_dir, "migrate")
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "chengqu.sqlite3") == 0o600


def test_a_backup_is_private_and_its_metadata_names_the_audit_head(site):
    out = json.loads(run(site, "backup", "--json").stdout)
    backup_file, meta_file = Path(out["backup"]), Path(out["metadata"])
    assert meta_file == backup_file.with_name(backup_file.name + ".json")
    assert mode(backup_file.parent) == 0o700
    assert mode(backup_file) == 0o600
    assert mode(meta_file) == 0o600
    metadata = json.loads(meta_file.read_text())
    seq, digest, mac = db_rows(site, "SELECT seq, hash, mac FROM audit_audithead")[0]
    assert metadata["audit_head"]["seq"] == seq == out["audit_head_seq"]
    assert (metadata["audit_head"]["hash"], metadata["audit_head"]["mac"]) == (digest, mac)
    assert len(metadata["sha256"]) == 64


def test_restoring_an_older_backup_checks_it_then_moves_the_head_file_back_on_the_record(
    site, tmp_path
):
    backup_file = tmp_path / "before.sqlite3"
    run(site, "backup", str(backup_file))
    backed_up = db_rows(site, "SELECT max(seq) FROM audit_auditentry")[0][0]
    run(site, "user-add", "later-user", "--role", "auditor", "--password", "Str0ng-pass-for-tests")
    assert json.loads((site / "audit_head").read_text())["seq"] > backed_up
    out = json.loads(run(site, "restore", str(backup_file), "--yes", "--json").stdout)
    assert out["checked_against_metadata"] is True
    assert out["audit_head_seq"] == backed_up
    assert db_rows(site, "SELECT count(*) FROM accounts_user WHERE username = 'later-user'") == [
        (0,)
    ]
    # The restore is itself an entry, and the head file follows the restored chain.
    assert db_rows(site, "SELECT seq, action FROM audit_auditentry ORDER BY seq DESC LIMIT 1") == [
        (backed_up + 1, "audit.restore")
    ]
    assert json.loads((site / "audit_head").read_text())["seq"] == backed_up + 1
    verified = json.loads(run(site, "audit", "verify", "--json").stdout)
    assert verified["ok"] is True
    assert verified["warnings"] == []
    assert mode(Path(out["previous_saved_to"])) == 0o600


def test_a_backup_altered_after_it_was_made_is_refused(site, tmp_path):
    backup_file = tmp_path / "altered.sqlite3"
    run(site, "backup", str(backup_file))
    with sqlite3.connect(backup_file) as conn:
        conn.execute("UPDATE accounts_department SET name = name || '-forged'")
    conn.close()
    result = run(site, "restore", str(backup_file), "--yes", check=False)
    assert result.returncode == 2
    assert "SHA-256" in result.stderr
    assert db_rows(site, "SELECT count(*) FROM accounts_department WHERE name LIKE '%-forged'") == [
        (0,)
    ]


def test_a_backup_whose_chain_was_altered_with_fresh_metadata_is_refused_and_the_database_kept(
    site, tmp_path
):
    backup_file = tmp_path / "rewritten.sqlite3"
    run(site, "backup", str(backup_file))
    with sqlite3.connect(backup_file) as conn:
        conn.execute("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 3")
    conn.close()
    meta_file = backup_file.with_name(backup_file.name + ".json")
    metadata = json.loads(meta_file.read_text())
    import hashlib

    metadata["sha256"] = hashlib.sha256(
        backup_file.read_bytes()
    ).hexdigest()  # the attacker fixes this up
    meta_file.write_text(json.dumps(metadata))
    before = db_rows(site, "SELECT max(seq) FROM audit_auditentry")
    result = run(site, "restore", str(backup_file), "--yes", check=False)
    assert result.returncode == 2
    assert "未通过校验" in result.stderr
    assert "第 3 条" in result.stderr
    assert db_rows(site, "SELECT max(seq) FROM audit_auditentry") == before
    assert db_rows(site, "SELECT count(*) FROM audit_auditentry WHERE object_repr = 'forged'") == [
        (0,)
    ]
    assert "审计链完整" in run(site, "audit", "verify").stdout


def test_a_backup_without_metadata_is_restored_only_when_asked(site, tmp_path):
    backup_file = tmp_path / "bare.sqlite3"
    run(site, "backup", str(backup_file))
    backup_file.with_name(backup_file.name + ".json").unlink()
    refused = run(site, "restore", str(backup_file), "--yes", check=False)
    assert refused.returncode == 2
    assert "找不到备份元数据" in refused.stderr
    out = json.loads(
        run(site, "restore", str(backup_file), "--yes", "--without-metadata", "--json").stdout
    )
    assert out["checked_against_metadata"] is False
    assert "审计链完整" in run(site, "audit", "verify").stdout


def test_a_truncated_chain_is_reported_by_the_command_through_the_head_file(tmp_path):
    data_dir = tmp_path / "t"
    run(data_dir, "migrate")
    for name in ("a-user", "b-user", "c-user"):
        run(data_dir, "user-add", name, "--role", "auditor", "--password", "Str0ng-pass-for-tests")
    last = db_rows(data_dir, "SELECT max(seq) FROM audit_auditentry")[0][0]
    with sqlite3.connect(data_dir / "chengqu.sqlite3") as conn:
        conn.execute("DELETE FROM audit_auditentry WHERE seq = ?", (last,))
        conn.execute(
            "UPDATE audit_audithead SET seq = seq - 1, (hash, mac) = "
            "(SELECT hash, mac FROM audit_auditentry WHERE seq = ?)",
            (last - 1,),
        )
    conn.close()
    result = run(data_dir, "audit", "verify", "--json", check=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)["first_bad_seq"] == last
