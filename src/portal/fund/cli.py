"""`chengqu fund …`: fee quotes, sign-off deadlines, reconciliation and reports (issue 6 §3–§5)."""

from __future__ import annotations

from datetime import date, datetime

import click

from chengqu.fund import check_signoff, latest_signoff_date, quote_fee
from chengqu.fund.terms import citations_json
from portal.core.clitools import emit, setup_django

DATE = click.DateTime(["%Y-%m-%d"])


def _day(value: datetime) -> date:
    return value.date()


@click.group(name="fund")
def group() -> None:
    """应急周转资金 (城政办发〔2024〕6号 附件): 占用费测算、签署期限、对账与报表。"""


@group.command("quote")
@click.option("--principal", required=True, help="周转资金本金 (元)")
@click.option("--disbursed", type=DATE, required=True, help="放款日期 YYYY-MM-DD")
@click.option("--repaid", type=DATE, required=True, help="还款日期 YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def quote_command(principal: str, disbursed: datetime, repaid: datetime, as_json: bool) -> None:
    """占用费 = 本金 × 0.2‰ × 天数 (算头不算尾, 至少 1 日), 四舍五入到分 (第十条)。"""
    quote = quote_fee(principal=principal, disbursed=_day(disbursed), repaid=_day(repaid))
    flag = f", 超过使用期限 {quote.overdue_days} 日" if quote.over_limit else ""
    emit(as_json, quote.as_dict(), f"占用费 {quote.fee} 元 ({quote.days} 日{flag})")


@group.command("sign-deadline")
@click.option("--maturity", type=DATE, required=True, help="贷款到期日 YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def sign_deadline_command(maturity: datetime, as_json: bool) -> None:
    """银行最迟签署日: 贷款到期前第 10 个工作日 (到期日不计, 含调休; 第十五条)。"""
    decision = latest_signoff_date(_day(maturity))
    body = {
        "latest_sign_date": decision.value.isoformat(),
        "citations": citations_json(decision.citations),
        "notes": list(decision.notes),
    }
    emit(as_json, body, f"最迟签署日 {decision.value.isoformat()}")


@group.command("check-sign")
@click.option("--maturity", type=DATE, required=True, help="贷款到期日 YYYY-MM-DD")
@click.option("--signed", type=DATE, required=True, help="银行签署日期 YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def check_sign_command(maturity: datetime, signed: datetime, as_json: bool) -> None:
    """银行签署是否及时 (第十五条)。签署过迟时退出码为 1。"""
    check = check_signoff(_day(signed), _day(maturity))
    emit(as_json, check.as_dict(), check.message)
    if not check.ok:
        raise SystemExit(1)


@group.command("reconcile")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def reconcile_command(as_json: bool) -> None:
    """由全部分录重新计算各科目余额, 与账面余额核对; 有差异时退出码为 1。"""

    setup_django()
    from portal.fund.selectors import reconcile

    result = reconcile()
    if result.ok:
        text = f"对账一致: {result.transactions} 笔凭证, 各科目余额与分录相符"
    else:
        lines = [f"{k}: 账面 {a} 元, 分录合计 {b} 元" for k, (a, b) in result.differences.items()]
        lines += [f"借贷不平或未封账: {key}" for key in result.unbalanced]
        text = "对账不一致:\n" + "\n".join(lines)
    emit(as_json, result.as_dict(), text)
    if not result.ok:
        raise SystemExit(1)


@group.command("report")
@click.option(
    "--period",
    "kind",
    type=click.Choice(["month", "quarter", "year"]),
    default="month",
    show_default=True,
)
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, default=1, show_default=True, help="月份 (1—12) 或季度 (1—4)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def report_command(kind: str, year: int, number: int, as_json: bool) -> None:
    """月报 (第二十条)、季报和年报 (第二十一条), 全部由记账分录得出。"""

    setup_django()
    from portal.fund.selectors import report

    result = report(kind, year, number)
    text = (
        f"{result.title}: 放款 {result.total.loans} 笔 {result.total.amount} 元, 占用费收入 {result.fee_income} 元, "
        f"提取风险准备金 {result.reserve_added} 元, 管理性开支 {result.expenses} 元"
    )
    emit(as_json, result.as_dict(), text)
