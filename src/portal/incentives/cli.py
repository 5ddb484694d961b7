"""`chengqu incentives …`: evaluate enterprises against the sixteen measures; quote the farmland fee."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from chengqu.common import DomainError, clock
from chengqu.incentives import (
    evaluate_many,
    fee_to_dict,
    quote_farmland_fee,
    to_dict,
)
from portal.incentives.uploads import enterprise_rows


def _enterprises(path: Path) -> list[dict[str, Any]]:
    """Rows from a JSON list, or a CSV/xlsx whose headers are field names or their Chinese labels
    (read as the batch upload reads them: list fields separated by ``;``)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError("incentives.file", f"无法读取 JSON 文件 {path.name}: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise DomainError("incentives.file", f"{path.name} 应为企业对象的 JSON 列表")
        return data
    return enterprise_rows(path).rows


@click.group()
def incentives() -> None:
    """惠企政策: 开门红十六条测算与耕地开垦费 (城政办发〔2024〕5号, 城政发〔2024〕1号)。"""


@incentives.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="测算日期 (默认今天, 申报期结束后为截止日)"
)
@click.option("--detail", is_flag=True, help="输出说明、牵头单位等明细")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def evaluate_command(file: Path, as_of: datetime | None, detail: bool, as_json: bool) -> None:
    """对企业名单 (JSON、CSV 或 xlsx) 逐户测算可享受的奖励; 坏行单独报告, 不影响其他企业。

    The claim period in force is the portal's (申报期设置, else the rule table's assumption), so
    the command and the pages agree; without --as-of it evaluates today, or at the close date
    once the period is over (said on stderr, the JSON on stdout stays the contract's).
    """
    from portal.core.clitools import setup_django

    setup_django()
    from portal.incentives import selectors
    from portal.incentives.views import default_as_of

    rows = _enterprises(file)
    if as_of is None:
        when, notice = default_as_of()
        if notice:
            click.echo(f"{notice} 可用 --as-of 指定测算日期。", err=True)
    else:
        when = as_of.date()
    batch = evaluate_many(rows, when, rules=selectors.effective_rules())
    result = to_dict(batch, detail=detail)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for item in result["results"]:
        click.echo(
            f"{item['id']}: 合计 {item['total']} 元, {len(item['awards'])} 项奖励, 待补充 {len(item['needs'])} 项"
        )
    for error in result["errors"]:
        click.echo(f"第 {error['index'] + 1} 条 ({error['id']}): {error['message']}", err=True)


@incentives.command("fee")
@click.option("--grade", type=int, required=True, help="耕地质量等别 (7—12)")
@click.option("--area-mu", help="面积 (亩)")
@click.option("--area-m2", help="面积 (平方米)")
@click.option("--trade-price", help="交易平台成交价 (元/亩)")
@click.option("--self-reclaimed", is_flag=True, help="项目自行开垦或委托开垦")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="计费日期 (默认今天)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def fee_command(
    grade: int,
    area_mu: str | None,
    area_m2: str | None,
    trade_price: str | None,
    self_reclaimed: bool,
    on: datetime | None,
    as_json: bool,
) -> None:
    """按城政发〔2024〕1号计算耕地开垦费。"""
    decision = quote_farmland_fee(
        grade=grade,
        area_mu=area_mu,
        area_m2=area_m2,
        trade_price=trade_price,
        self_reclaimed=self_reclaimed,
        on=on.date() if on else clock.today(),
    )
    body = fee_to_dict(decision)
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        click.echo(f"耕地开垦费 {body['fee']} 元 (每亩 {body['rate_per_mu']} 元)")


@incentives.command("batch")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--user", "username", required=True, help="以哪个账户的名义测算 (金融办、部门用户或管理员)"
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="测算日期 (默认今天, 申报期结束后为截止日)"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def batch_command(file: Path, username: str, as_of: datetime | None, as_json: bool) -> None:
    """免申即享批量测算并留存 (与网页上传相同: 记录上传人、时间、文件指纹与结果)。"""
    from portal.core.clitools import setup_django

    setup_django()
    from portal.accounts.models import User
    from portal.incentives.services import batch_run_create
    from portal.incentives.views import default_as_of

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError("incentives.user", f"没有此用户: {username}", field="user")
    run = batch_run_create(
        actor=user,
        file_name=file.name,
        data=file.read_bytes(),
        as_of=as_of.date() if as_of else default_as_of()[0],
    )
    body = {
        "id": run.pk,
        "file_sha256": run.file_sha256,
        "as_of": run.as_of.isoformat(),
        "rows": run.row_count,
        "evaluated": run.good_count,
        "errors": run.errors,
        "qualified": run.qualified_count,
        "total": f"{run.total:.2f}",
        "summary": run.summary,
    }
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"批次 #{run.pk}: {run.good_count} 户已测算, {run.error_count} 行有错误, "
        f"免申即享 {run.qualified_count} 户, 合计 {run.total} 元"
    )
    for error in run.errors:
        click.echo(error["message"], err=True)
