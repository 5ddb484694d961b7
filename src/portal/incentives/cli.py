"""`chengqu incentives …`: evaluate enterprises against the sixteen measures; quote the farmland fee."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from chengqu.common import SHANGHAI, DomainError
from chengqu.incentives import (
    default_rules,
    evaluate_many,
    fee_to_dict,
    quote_farmland_fee,
    to_dict,
)
from portal.core.tables import read_table


def _today() -> date:
    return datetime.now(SHANGHAI).date()


def _enterprises(path: Path) -> list[dict[str, Any]]:
    """Rows from a JSON list, or a CSV/xlsx whose headers are field names or their Chinese labels."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError("incentives.file", f"无法读取 JSON 文件 {path.name}: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise DomainError("incentives.file", f"{path.name} 应为企业对象的 JSON 列表")
        return data
    aliases = {spec.label: name for name, spec in default_rules().facts.items()}
    aliases.update({"企业": "id", "企业名称": "id", "编号": "id"})
    rows = []
    for row in read_table(path, aliases=aliases):
        values = dict(row.values)
        groups = values.get("travel_groups")
        if isinstance(groups, str):  # a JSON list in one cell: [{"guests": 120, ...}]
            try:
                values["travel_groups"] = json.loads(groups, parse_float=Decimal)
            except json.JSONDecodeError:
                raise DomainError(
                    "incentives.file", f"第 {row.line} 行 travel_groups 应为 JSON 列表", field="travel_groups"
                ) from None
        rows.append(values)
    return rows


@click.group()
def incentives() -> None:
    """惠企政策: 开门红十六条测算与耕地开垦费 (城政办发〔2024〕5号, 城政发〔2024〕1号)。"""


@incentives.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="测算日期 (默认今天)")
@click.option("--detail", is_flag=True, help="输出说明、牵头单位等明细")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def evaluate_command(file: Path, as_of: datetime | None, detail: bool, as_json: bool) -> None:
    """对企业名单 (JSON、CSV 或 xlsx) 逐户测算可享受的奖励; 坏行单独报告, 不影响其他企业。"""
    rows = _enterprises(file)
    batch = evaluate_many(rows, as_of.date() if as_of else _today())
    result = to_dict(batch, detail=detail)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for item in result["results"]:
        click.echo(f"{item['id']}: 合计 {item['total']} 元, {len(item['awards'])} 项奖励, 待补充 {len(item['needs'])} 项")
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
    grade: int, area_mu: str | None, area_m2: str | None, trade_price: str | None,
    self_reclaimed: bool, on: datetime | None, as_json: bool,
) -> None:
    """按城政发〔2024〕1号计算耕地开垦费。"""
    decision = quote_farmland_fee(
        grade=grade, area_mu=area_mu, area_m2=area_m2, trade_price=trade_price,
        self_reclaimed=self_reclaimed, on=on.date() if on else _today(),
    )
    body = fee_to_dict(decision)
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        click.echo(f"耕地开垦费 {body['fee']} 元 (每亩 {body['rate_per_mu']} 元)")
