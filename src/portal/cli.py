"""The `chengqu` command: serve, set up, load, audit, back up and the modules' own verbs.

Bad input exits 2 with one line on stderr, never a traceback. ``--json`` prints one JSON
document on stdout. Django is set up lazily, so ``chengqu --help`` stays fast.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from chengqu.common import SHANGHAI, DomainError
from portal.core.clitools import emit, json_option, setup_django

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BAD_INPUT = 2
EXIT_FAILED_CHECK = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """晋城市城区政务运行平台 (chengqu) 命令行工具。"""


# ------------------------------------------------------------------ platform


@cli.command()
@click.option(
    "--host", default=lambda: os.environ.get("CHENGQU_HOST", "127.0.0.1"), show_default="127.0.0.1"
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("CHENGQU_PORT", "8000")),
    show_default="8000",
)
@click.option("--threads", type=int, default=8, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """以生产服务器 (waitress) 提供服务。"""
    setup_django()
    from waitress import serve as waitress_serve

    from portal.config.wsgi import application

    _secure_and_key()

    click.echo(f"晋城市城区政务运行平台已启动: http://{host}:{port}/  (Ctrl+C 停止)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="chengqu")


@cli.command()
def migrate() -> None:
    """创建或升级数据库表结构。"""
    setup_django()
    from django.core.management import call_command

    _secure()
    call_command("migrate", interactive=False, verbosity=1)
    _secure()


@cli.command()
@click.option("--only", multiple=True, help="只运行指定的加载项 (可多次指定)")
@json_option
def load(only: tuple[str, ...], as_json: bool) -> None:
    """加载平台自带数据 (可重复运行, 不会重复写入)。"""
    setup_django()
    from portal.core.loading import all_loaders, load_all

    known = {name for name, _, _ in all_loaders()}
    unknown = set(only) - known
    if unknown:
        raise click.BadParameter(
            f"未知的加载项: {', '.join(sorted(unknown))}; 可选: {', '.join(sorted(known))}"
        )
    results = load_all(set(only) if only else None)
    emit(
        as_json,
        {"loaded": [{"name": r.name, "changed": r.changed} for r in results]},
        "\n".join(
            f"{r.label}: {'新增或更新 ' + str(r.changed) + ' 条' if r.changed else '已是最新'}"
            for r in results
        ),
    )


@cli.command("ensure-admin")
@click.option("--username", default="admin", show_default=True)
def ensure_admin(username: str) -> None:
    """若尚无管理员账户则创建一个, 并说明如何登录。密码取自 CHENGQU_ADMIN_PASSWORD 或随机生成。"""
    setup_django()
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.accounts.services import user_create

    if User.objects.filter(is_superuser=True).exists():
        click.echo("管理员账户已存在。忘记密码时可运行: chengqu createsuperuser")
        return
    password = os.environ.get("CHENGQU_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    user_create(
        username=username,
        password=password,
        display_name="系统管理员",
        roles=[Role.ADMIN],
        is_superuser=True,
    )
    shown = (
        "(CHENGQU_ADMIN_PASSWORD 中的密码)"
        if os.environ.get("CHENGQU_ADMIN_PASSWORD")
        else password
    )
    click.echo(
        "\n已创建首个管理员账户。\n"
        f"  登录地址: http://{os.environ.get('CHENGQU_HOST', '127.0.0.1')}:{os.environ.get('CHENGQU_PORT', '8000')}/accounts/login/\n"
        f"  用户名:   {username}\n  密码:     {shown}\n"
        "请登录后在管理后台修改密码。此密码只显示这一次。\n"
    )


# Roles that act for one unit: their accounts must name it (the ownership checks rely on it).
UNIT_ROLES = ("ENTERPRISE", "BANK", "UNIT")


def _role(value: str) -> Any:
    from portal.accounts.roles import Role

    for role in Role:
        if value in (role.value, role.name, role.name.lower(), role.name.lower().replace("_", "-")):
            return role
    known = ", ".join(f"{r.name.lower()} ({r.value})" for r in Role)
    raise DomainError("accounts.role_unknown", f"没有角色 {value}; 可选: {known}", field="role")


@cli.command("user-add")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="角色, 可多次给出: 英文键 (如 unit, enterprise, bank, inspectorate, relics-expert) 或中文名",
)
@click.option(
    "--unit", default="", help="所属单位: 编码、名称或简称 (企业、银行、部门及镇街用户必填)"
)
@click.option("--unit-name", default="", help="单位尚不存在时, 以 --unit 为编码、此名称新建")
@click.option(
    "--unit-kind",
    default="",
    help="新建单位的类型: government/organ/town/street/bank/enterprise/other",
)
@click.option("--display-name", default="")
@click.option(
    "--password",
    envvar="CHENGQU_USER_PASSWORD",
    required=True,
    help="或由环境变量 CHENGQU_USER_PASSWORD 给出",
)
@click.option("--exist-ok", is_flag=True, help="用户已存在时不报错, 也不修改")
@json_option
def user_add(
    username: str,
    roles: tuple[str, ...],
    unit: str,
    unit_name: str,
    unit_kind: str,
    display_name: str,
    password: str,
    exist_ok: bool,
    as_json: bool,
) -> None:
    """创建账户并授予角色, 需要时一并登记其单位 (企业、银行等)。"""
    setup_django()
    from django.db import transaction
    from django.db.models import Q

    from portal.accounts.models import Department, User
    from portal.accounts.services import department_upsert, user_create

    wanted = [_role(r) for r in roles]
    existing = User.objects.filter(username=username).first()
    if existing is not None and exist_ok:
        body = {
            "username": username,
            "created": False,
            "roles": [r.value for r in wanted],
            "unit": existing.department.name if existing.department else None,
        }
        emit(as_json, body, f"用户 {username} 已存在, 未作修改")
        return
    department = None
    with transaction.atomic():
        if unit:
            department = Department.objects.filter(
                Q(code=unit) | Q(name=unit) | Q(short_name=unit)
            ).first()
            if department is None and unit_name:
                if unit_kind not in Department.Kind.values:
                    raise DomainError(
                        "accounts.unit_kind",
                        "新建单位须给出 --unit-kind: " + ", ".join(Department.Kind.values),
                        field="unit_kind",
                    )
                department = department_upsert(code=unit, name=unit_name, kind=unit_kind)[0]
            if department is None:
                raise DomainError(
                    "accounts.unit_unknown",
                    f"没有单位: {unit} (新建请同时给出 --unit-name 和 --unit-kind)",
                    field="unit",
                )
        needing = [r for r in wanted if r.name in UNIT_ROLES]
        if needing and department is None:
            raise DomainError(
                "accounts.unit_required",
                f"{needing[0].value} 须用 --unit 指明所属单位",
                field="unit",
            )
        user = user_create(
            username=username,
            password=password,
            display_name=display_name or username,
            roles=wanted,
            department=department,
        )
    role_names = [r.value for r in wanted]
    unit_label = department.name if department else None
    body = {"username": user.username, "created": True, "roles": role_names, "unit": unit_label}
    emit(
        as_json,
        body,
        f"已建立账户 {user.username} ({'、'.join(role_names)}{', ' + unit_label if unit_label else ''})",
    )


@cli.command()
def createsuperuser() -> None:
    """交互式创建管理员账户。"""
    setup_django()
    from django.core.management import call_command

    call_command("createsuperuser")


@cli.command()
@click.pass_context
def setup(ctx: click.Context) -> None:
    """首次运行所需的全部准备: 建表、静态文件、自带数据、管理员账户。"""
    setup_django()
    from django.core.management import call_command

    _secure()
    call_command("migrate", interactive=False, verbosity=0)
    _secure_and_key()
    call_command("collectstatic", interactive=False, verbosity=0)
    ctx.invoke(load, only=(), as_json=False)
    ctx.invoke(ensure_admin, username="admin")
    _secure()
    from portal.audit.models import AuditEntry

    unsealed = AuditEntry.objects.filter(mac="").count()
    if unsealed:
        click.echo(
            f"审计日志中有 {unsealed} 条记录写于启用密钥之前: 请运行 chengqu audit rekey 封存。"
        )


def _secure() -> None:
    """The data directory 0700, the database, keys, head file and backups 0600."""
    from portal.core.datadir import secure_data_dir

    secure_data_dir()


def _secure_and_key() -> None:
    """Modes, then the audit key: made for a new chain, refused (exit 2) if a keyed chain lost it."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from portal.audit.head import audit_key_ensure

    _secure()
    try:
        audit_key_ensure()
    except ImproperlyConfigured as exc:
        raise DomainError("audit.key_missing", str(exc)) from exc
    except DatabaseError:  # no tables yet (serve before setup): the first write makes the key
        pass
    _secure()


# ------------------------------------------------------------------ audit


@cli.group()
def audit() -> None:
    """审计日志。"""


@audit.command("verify")
@json_option
def audit_verify(as_json: bool) -> None:
    """逐条校验审计日志的哈希链, 指出第一条被修改或删除的记录。"""
    setup_django()
    from portal.audit.selectors import audit_chain_verify

    report = audit_chain_verify()
    problem = report.problem
    text = f"审计链完整: 共校验 {report.checked} 条记录 (其中 {report.keyed} 条用密钥校验)。"
    emit(
        as_json,
        {
            "ok": report.ok,
            "checked": report.checked,
            "keyed": report.keyed,
            "first_bad_seq": problem.seq if problem else None,
            "reason": problem.reason if problem else None,
            "warnings": list(report.warnings),
        },
        "\n".join(
            [
                text if problem is None else problem.message(),
                *("注意: " + w for w in report.warnings),
            ]
        ),
    )
    if problem is not None:
        sys.exit(EXIT_FAILED_CHECK)


@audit.command("rekey")
@json_option
def audit_rekey(as_json: bool) -> None:
    """一次性封存启用密钥之前的记录: 先做无密钥校验, 通过后为每条记录补上 MAC。"""
    setup_django()
    _secure()
    from portal.audit.services import audit_chain_seal

    result = audit_chain_seal()
    _secure()
    emit(
        as_json,
        {
            "sealed": result.sealed,
            "first_seq": result.first_seq or None,
            "last_seq": result.last_seq or None,
            "seal_seq": result.entry.seq if result.entry else None,
        },
        f"已封存第 {result.first_seq}–{result.last_seq} 条, 共 {result.sealed} 条 (封存记录为第 {result.entry.seq} 条)。"
        if result.entry
        else "没有需要封存的记录: 所有记录都已有 MAC。",
    )


# ------------------------------------------------------------------ backup


def _sqlite_path() -> Path:
    setup_django()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        raise DomainError(
            "backup.not_sqlite", "当前数据库是 PostgreSQL: 请使用 pg_dump / pg_restore 备份和恢复"
        )
    return Path(str(db["NAME"]))


def _is_chengqu_database(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('django_migrations','audit_auditentry')"
            ).fetchone()
    except sqlite3.DatabaseError:
        return False
    return bool(row and row[0] == 2)


def _copy_sqlite(source: Path, target: Path) -> None:
    # The online backup API copies a consistent snapshot even while the server is writing.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


BACKUP_FORMAT = "chengqu-backup-1"


def _metadata_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".json")


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit_head_of(path: Path) -> dict[str, Any] | None:
    """The audit head row of a database file, read directly (the file is not the live database)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        try:
            row = conn.execute(
                "SELECT seq, hash, mac, keyed_from FROM audit_audithead WHERE id = 1"
            ).fetchone()
        except sqlite3.OperationalError:  # a database from before the keyed chain
            old = conn.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1").fetchone()
            row = (*old, "", 0) if old else None
    conn.close()
    if row is None:
        return None
    return {"seq": int(row[0]), "hash": str(row[1]), "mac": str(row[2]), "keyed_from": int(row[3])}


def _make_backup(live: Path, target: Path) -> dict[str, Any]:
    """Copy ``live`` to ``target`` (0600, never over an existing file) with its metadata beside it:
    the audit head it contains and the file's SHA-256, which ``restore`` checks."""
    from portal.audit import anchor
    from portal.audit.chain import key_id
    from portal.core.datadir import create_private, private_file

    meta_file = _metadata_path(target)
    if target.exists() or meta_file.exists():
        raise DomainError(
            "backup.exists", f"目标文件已存在, 不会覆盖: {target if target.exists() else meta_file}"
        )
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        create_private(target)  # SQLite keeps the mode of the file it is given
    except FileExistsError as exc:
        raise DomainError("backup.exists", f"目标文件已存在, 不会覆盖: {target}") from exc
    _copy_sqlite(live, target)
    private_file(target)
    key = anchor.load_key()
    head = _audit_head_of(target)
    metadata = {
        "format": BACKUP_FORMAT,
        "backup": target.name,
        "created_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "bytes": target.stat().st_size,
        "sha256": _file_sha256(target),
        "audit_head": None if head is None else {**head, "key_id": key_id(key) if key else ""},
    }
    anchor.write_json_private(meta_file, metadata)
    return metadata


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), required=False)
@json_option
def backup(target: Path | None, as_json: bool) -> None:
    """在线备份 SQLite 数据库到文件 (默认: 数据目录/backups/时间戳.sqlite3), 旁边写入其元数据 (.json)。"""
    live = _sqlite_path()
    _secure()
    if target is None:
        stamp = datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M%S")
        target = live.parent / "backups" / f"chengqu-{stamp}.sqlite3"
    metadata = _make_backup(live, target)
    head = metadata["audit_head"]
    emit(
        as_json,
        {
            "backup": str(target),
            "metadata": str(_metadata_path(target)),
            "bytes": metadata["bytes"],
            "audit_head_seq": head["seq"] if head else 0,
        },
        f"已备份到 {target} (审计链头: 第 {head['seq'] if head else 0} 条; 元数据 {_metadata_path(target).name})",
    )


def _read_metadata(source: Path) -> dict[str, Any]:
    import json

    meta_file = _metadata_path(source)
    try:
        data = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DomainError(
            "restore.no_metadata",
            f"找不到备份元数据 {meta_file}: 无法确认备份未被改动 (确需恢复, 加 --without-metadata)",
        ) from exc
    except (OSError, ValueError) as exc:
        raise DomainError("restore.bad_metadata", f"备份元数据无法读取: {meta_file}") from exc
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise DomainError("restore.bad_metadata", f"备份元数据无法识别: {meta_file}")
    return data


def _check_restored(metadata: dict[str, Any] | None) -> str:
    """Verify the database just restored: its chain with the key, and its head against the metadata.

    Returns an empty string when it passes, else the reason (in Chinese)."""
    from django.core.management import call_command

    from portal.audit.head import committed_head
    from portal.audit.selectors import audit_chain_verify

    # A backup from an older version first gets the current tables, as `chengqu setup` would do.
    call_command("migrate", interactive=False, verbosity=0)
    report = audit_chain_verify(use_head_file=False)
    if report.problem is not None:
        return report.problem.message()
    if metadata is None:
        return ""
    recorded = metadata.get("audit_head")
    head = committed_head()
    if recorded is None:
        return (
            ""
            if head is None or head.seq == 0
            else "备份元数据未登记审计链头, 恢复的数据库却有审计记录"
        )
    if head is None or (head.seq, head.hash, head.mac) != (
        recorded.get("seq"),
        recorded.get("hash"),
        recorded.get("mac"),
    ):
        return (
            f"恢复的数据库审计链头 (第 {head.seq if head else 0} 条) "
            f"与备份元数据登记的 (第 {recorded.get('seq')} 条) 不符"
        )
    return ""


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认, 直接恢复")
@click.option(
    "--without-metadata", is_flag=True, help="备份没有元数据 (.json) 时仍恢复 (只校验审计链本身)"
)
@json_option
def restore(source: Path, yes: bool, without_metadata: bool, as_json: bool) -> None:
    """用备份文件恢复 SQLite 数据库; 先核对备份元数据, 恢复前自动备份当前数据库, 恢复后校验审计链。"""
    from django.db import connections

    from portal.audit import anchor
    from portal.audit.chain import Anchor, key_id

    live = _sqlite_path()
    if not source.is_file():
        raise DomainError("restore.missing", f"备份文件不存在: {source}")
    if not _is_chengqu_database(source):
        raise DomainError("restore.invalid", f"不是本平台的数据库备份文件: {source}")
    metadata = None
    if not (without_metadata and not _metadata_path(source).exists()):
        metadata = _read_metadata(source)
        if metadata.get("sha256") != _file_sha256(source):
            raise DomainError(
                "restore.altered", f"备份文件与其元数据不符 (SHA-256 不同), 可能被改动: {source}"
            )
        recorded_key = (metadata.get("audit_head") or {}).get("key_id") or ""
        key = anchor.load_key()
        if recorded_key and key is not None and recorded_key != key_id(key):
            raise DomainError(
                "restore.key", f"备份写入时的审计密钥 ({recorded_key}) 不是当前密钥 ({key_id(key)})"
            )
    if not yes and not click.confirm(f"将用 {source} 覆盖当前数据库 {live}, 确定吗?"):
        raise click.Abort
    _secure()
    previous, _ = anchor.read_anchor()
    safety = None
    connections.close_all()
    if live.exists():
        stamp = datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M%S")
        safety = live.parent / "backups" / f"pre-restore-{stamp}.sqlite3"
        n = 1
        while safety.exists() or _metadata_path(safety).exists():  # two restores in one second
            n += 1
            safety = live.parent / "backups" / f"pre-restore-{stamp}-{n}.sqlite3"
        _make_backup(live, safety)
    _copy_sqlite(source, live)
    _secure()
    failure = _check_restored(metadata)
    connections.close_all()
    if failure:
        if safety is not None:
            _copy_sqlite(safety, live)
        raise DomainError(
            "restore.check_failed", f"恢复的数据库未通过校验, 已还原为恢复前的数据库: {failure}"
        )

    from django.db import transaction

    from portal.audit.actions import AuditChainAction
    from portal.audit.head import committed_head
    from portal.audit.services import audit_record

    head = committed_head()
    anchor.advance(head or Anchor(seq=0, hash="", mac="", key_id="", keyed_from=0), force=True)
    with transaction.atomic():  # the rollback is itself on the record (and moves the head file on)
        audit_record(
            actor=None,
            action=AuditChainAction.RESTORE,
            object_type="audit.chain",
            object_repr="审计链",
            before={"head_seq": previous.seq if previous else None},
            after={
                "backup": source.name,
                "head_seq": head.seq if head else 0,
                "previous_saved_to": safety.name if safety else None,
            },
        )
    _secure()
    emit(
        as_json,
        {
            "restored": str(source),
            "previous_saved_to": str(safety) if safety else None,
            "audit_head_seq": head.seq if head else 0,
            "checked_against_metadata": metadata is not None,
        },
        f"已从 {source} 恢复, 审计链校验通过。"
        + (f" 恢复前的数据库已保存到 {safety}" if safety else ""),
    )


# ------------------------------------------------------------------ module commands

# Each module contributes a click group named after it: `chengqu <module> <verb>`.
MODULE_COMMANDS = (
    "portal.air.cli:air",
    "portal.gazette.cli:gazette",
    "portal.incentives.cli:incentives",
    "portal.command.cli:group",
    "portal.fund.cli:group",
    "portal.supervision.cli:group",
    "portal.supervision.cli:tasks",  # `chengqu tasks …`, as issue 8 names it
    "portal.supervision.cli:hazards",  # `chengqu hazards …`
    "portal.relics.cli:group",
    "portal.notify.cli:group",
)


def _add_module_commands() -> None:
    from importlib import import_module

    for spec in MODULE_COMMANDS:
        module_path, _, name = spec.partition(":")
        cli.add_command(getattr(import_module(module_path), name))


_add_module_commands()


# ------------------------------------------------------------------ entry point


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input is one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="chengqu", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(EXIT_FAILED_CHECK)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
    except click.ClickException as exc:
        click.echo(f"错误: {exc.format_message()}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except DomainError as exc:
        click.echo(f"错误: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    main()
