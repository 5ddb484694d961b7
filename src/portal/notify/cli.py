"""`chengqu notify …`: run the modules' notice sweeps (overdue reporting clocks…); send a notice by hand.

Register in portal/cli.py MODULE_COMMANDS as ``"portal.notify.cli:group"``.
"""

from __future__ import annotations

import click

from portal.core.clitools import emit, json_option, setup_django


@click.group(name="notify")
def group() -> None:
    """消息通知: 报告逾期提醒、发送通知。"""


@group.command("sweep")
@json_option
def sweep(as_json: bool) -> None:
    """运行各模块的定时提醒 (如处置中事件的报告时限: 对新逾期的每一项向牵头指挥部发送一次提醒), 可由 cron 每分钟运行。"""
    setup_django()
    from django.db import transaction

    from portal.notify.topics import run_sweeps

    with transaction.atomic():
        sent = run_sweeps()
    emit(
        as_json,
        {"sent": [{"id": n.pk, "title": n.title} for n in sent]},
        f"发送逾期提醒 {len(sent)} 条" + "".join(f"\n  {n.title}" for n in sent),
    )


@group.command("send")
@click.argument("title")
@click.option("--body", default="", help="正文")
@click.option("--user", "usernames", multiple=True, help="用户名 (可多次)")
@click.option("--unit", "units", multiple=True, help="单位编码 (可多次)")
@click.option("--position", "positions", multiple=True, help="岗位全称 (可多次)")
@json_option
def send(
    title: str,
    body: str,
    usernames: tuple[str, ...],
    units: tuple[str, ...],
    positions: tuple[str, ...],
    as_json: bool,
) -> None:
    """向用户、单位 (全体用户) 或岗位 (现任人员) 发送一条通知。"""
    setup_django()
    from chengqu.common import DomainError
    from portal.accounts.models import Department, Position, User
    from portal.notify.services import notify

    found_users = list(User.objects.filter(username__in=usernames))
    found_units = list(Department.objects.filter(code__in=units))
    found_posts = list(Position.objects.filter(name__in=positions))
    missing = (
        sorted(set(usernames) - {u.username for u in found_users})
        + sorted(set(units) - {d.code for d in found_units})
        + sorted(set(positions) - {p.name for p in found_posts})
    )
    if missing:
        raise DomainError("notify.not_found", f"未找到: {'、'.join(missing)}")
    notice = notify(
        title=title, body=body, users=found_users, units=found_units, positions=found_posts
    )
    if notice is None:
        raise DomainError("notify.no_recipient", "请用 --user、--unit 或 --position 指定收件对象")
    emit(
        as_json,
        {"id": notice.pk, "title": notice.title},
        f"已发送通知 #{notice.pk}: {notice.title}",
    )
