"""The chengqu command, run as a user runs it: a separate process on its own data directory."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CHENGQU = [sys.executable, "-m", "portal.cli"]


def run(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))
    }
    env.update(CHENGQU_DATA_DIR=str(data_dir), CHENGQU_ADMIN_PASSWORD="Initial-Admin-Pass-1")
    result = subprocess.run([*CHENGQU, *args], capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(
            f"chengqu {' '.join(args)} exited {result.returncode}: {result.stderr}"
        )
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("site")
    run(data_dir, "setup")
    return data_dir


def db_rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "chengqu.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def test_setup_creates_the_first_admin_and_loading_again_changes_nothing(site):
    assert db_rows(site, "SELECT username FROM accounts_user WHERE is_superuser") == [("admin",)]
    again = json.loads(run(site, "load", "--json").stdout)
    assert all(item["changed"] == 0 for item in again["loaded"])
    assert "已存在" in run(site, "ensure-admin").stdout


def test_the_secret_key_is_generated_once_and_kept_private(site):
    key_file = site / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0


def test_a_backup_restores_the_same_data(site, tmp_path):
    before = db_rows(site, "SELECT code, name FROM accounts_department ORDER BY code")
    assert before
    backup_file = tmp_path / "b.sqlite3"
    run(site, "backup", str(backup_file))
    with sqlite3.connect(site / "chengqu.sqlite3") as conn:
        conn.execute("UPDATE accounts_department SET name = name || '-changed'")
    assert db_rows(site, "SELECT code, name FROM accounts_department ORDER BY code") != before
    out = json.loads(run(site, "restore", str(backup_file), "--yes", "--json").stdout)
    assert db_rows(site, "SELECT code, name FROM accounts_department ORDER BY code") == before
    assert Path(out["previous_saved_to"]).exists()  # the overwritten database was kept
    assert "审计链完整" in run(site, "audit", "verify").stdout


def test_a_backup_never_overwrites_an_existing_file(site, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    result = run(site, "backup", str(target), check=False)
    assert result.returncode == 2
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("load", "--only", "nope"), "未知的加载项"),
        (("restore", "/nonexistent/file.sqlite3", "--yes"), "备份文件不存在"),
        (("no-such-command",), "错误"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(site, args, fragment):
    result = run(site, *args, check=False)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restoring_a_file_that_is_not_a_backup_is_refused(site, tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all")
    result = run(site, "restore", str(bogus), "--yes", check=False)
    assert result.returncode == 2
    assert "不是本平台的数据库备份文件" in result.stderr
    assert db_rows(site, "SELECT count(*) FROM accounts_department")[0][0] > 0


def test_audit_verify_from_the_command_line_names_a_hand_edited_entry(tmp_path):
    site = tmp_path / "s"
    run(site, "setup")
    with sqlite3.connect(site / "chengqu.sqlite3") as conn:
        conn.execute("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 5")
    result = run(site, "audit", "verify", check=False)
    assert result.returncode == 1
    assert "第 5 条" in result.stdout


def test_deploy_checks_pass_in_production_mode(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_SETTINGS"))
    }
    env.update(
        CHENGQU_DATA_DIR=str(tmp_path),
        CHENGQU_HTTPS="1",
        SECRET_KEY="x" * 20 + "k3Y-production-only-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        DJANGO_SETTINGS_MODULE="portal.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_user_add_makes_an_account_with_its_roles_and_unit(site):
    unit = db_rows(
        site,
        "SELECT code, name FROM accounts_department WHERE kind = 'street' ORDER BY code LIMIT 1",
    )[0]
    out = json.loads(
        run(
            site,
            "user-add",
            "street-clerk",
            "--role",
            "unit",
            "--unit",
            unit[1],
            "--password",
            "Str0ng-pass-for-tests",
            "--json",
        ).stdout
    )
    assert out == {
        "username": "street-clerk",
        "created": True,
        "roles": ["部门及镇街用户"],
        "unit": unit[1],
    }
    rows = db_rows(
        site,
        "SELECT g.name, d.code FROM accounts_user u JOIN accounts_user_groups ug ON ug.user_id = u.id "
        "JOIN auth_group g ON g.id = ug.group_id JOIN accounts_department d ON d.id = u.department_id "
        "WHERE u.username = 'street-clerk'",
    )
    assert rows == [("部门及镇街用户", unit[0])]

    # An enterprise's unit is registered with it; the Chinese role name is accepted too.
    out = json.loads(
        run(
            site,
            "user-add",
            "firm-1",
            "--role",
            "企业用户",
            "--unit",
            "qy-test-1",
            "--unit-name",
            "测试企业一",
            "--unit-kind",
            "enterprise",
            "--password",
            "Str0ng-pass-for-tests",
            "--json",
        ).stdout
    )
    assert out["unit"] == "测试企业一"
    assert db_rows(site, "SELECT kind FROM accounts_department WHERE code = 'qy-test-1'") == [
        ("enterprise",)
    ]

    # Running it again is refused, unless the caller says an existing account is fine.
    again = run(
        site,
        "user-add",
        "firm-1",
        "--role",
        "enterprise",
        "--unit",
        "qy-test-1",
        "--password",
        "Str0ng-pass-for-tests",
        check=False,
    )
    assert again.returncode == 2
    assert "用户名已存在" in again.stderr
    kept = json.loads(
        run(
            site,
            "user-add",
            "firm-1",
            "--role",
            "enterprise",
            "--unit",
            "qy-test-1",
            "--exist-ok",
            "--password",
            "Str0ng-pass-for-tests",
            "--json",
        ).stdout
    )
    assert kept["created"] is False


def test_user_add_refuses_a_unit_role_without_a_unit_and_an_unknown_role(site):
    no_unit = run(
        site,
        "user-add",
        "bank-x",
        "--role",
        "bank",
        "--password",
        "Str0ng-pass-for-tests",
        check=False,
    )
    assert no_unit.returncode == 2
    assert "须用 --unit" in no_unit.stderr
    unknown = run(
        site,
        "user-add",
        "who",
        "--role",
        "mayor",
        "--password",
        "Str0ng-pass-for-tests",
        check=False,
    )
    assert unknown.returncode == 2
    assert "没有角色 mayor" in unknown.stderr
    missing = run(
        site,
        "user-add",
        "who",
        "--role",
        "unit",
        "--unit",
        "不存在的局",
        "--password",
        "Str0ng-pass-for-tests",
        check=False,
    )
    assert missing.returncode == 2
    assert "没有单位" in missing.stderr
    assert db_rows(
        site, "SELECT count(*) FROM accounts_user WHERE username IN ('bank-x', 'who')"
    ) == [(0,)]
