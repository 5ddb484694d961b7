"""xlsx exports of the ledger and reports, and the server-side SVG chart of a report."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook

from portal.core.exports import append_row
from portal.fund.models import Account, LedgerLeg, LedgerTransaction, Side
from portal.fund.selectors import Group, Report, balances, balances_from_postings


def ledger_workbook() -> Workbook:
    """Every leg of every transaction (凭证 → 分录), and the balances kept and recomputed."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "分录"
    append_row(
        ws,
        [
            "凭证号",
            "记账日期",
            "类型",
            "幂等键",
            "摘要",
            "申请",
            "冲正凭证",
            "科目",
            "借方(元)",
            "贷方(元)",
        ],
    )
    labels = dict(Account.choices)
    kinds = dict(LedgerTransaction.Kind.choices)
    legs = LedgerLeg.objects.select_related("transaction").order_by(
        "transaction__day", "transaction_id", "pk"
    )
    for leg in legs.iterator(chunk_size=2000):
        tx = leg.transaction
        append_row(
            ws,
            [
                tx.pk,
                tx.day,
                kinds.get(tx.kind, tx.kind),
                tx.key,
                tx.memo,
                tx.application_id or "",
                tx.reverses_id or "",
                labels.get(leg.account, leg.account),
                leg.amount if leg.side == Side.DEBIT else None,
                leg.amount if leg.side == Side.CREDIT else None,
            ],
        )
    for row in ws.iter_rows(min_row=2, min_col=9, max_col=10):
        for cell in row:
            cell.number_format = "#,##0.00"
    summary = wb.create_sheet("余额")
    append_row(summary, ["科目", "账面余额(借方为正)", "由分录重算"])
    kept, recomputed = balances(), balances_from_postings()
    for account in Account:
        append_row(summary, [account.label, kept[account.value], recomputed[account.value]])
    return wb


def _group_rows(groups: Sequence[Group]) -> list[list[object]]:
    return [
        [
            g.name,
            g.loans,
            g.amount,
            g.fees,
            float(g.average_days),
            g.repaid,
            g.overdue,
            g.bank_liable,
        ]
        for g in groups
    ]


def report_workbook(report: Report) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    append_row(ws, [report.title])
    append_row(ws, ["期间", f"{report.start.isoformat()} 至 {report.end.isoformat()}"])
    for label, value in (
        ("放款笔数", report.total.loans),
        ("放款金额(元)", report.total.amount),
        ("归还笔数", report.total.repaid),
        ("平均使用天数", float(report.total.average_days)),
        ("占用费收入(元)", report.fee_income),
        ("利息收入(元)", report.interest_income),
        ("提取风险准备金(元)", report.reserve_added),
        ("风险准备金余额(元)", report.reserve_balance),
        ("风险准备金上限(实缴20%)(元)", report.reserve_cap),
        ("管理性开支(元)", report.expenses),
        ("本年管理性开支(元)", report.year_expenses),
        ("本年管理性开支上限(元)", report.expense_cap),
        ("逾期笔数", report.total.overdue),
        ("银行承担归还责任笔数", report.total.bank_liable),
    ):
        append_row(ws, [label, value])
    header = [
        "名称",
        "放款笔数",
        "放款金额(元)",
        "占用费(元)",
        "平均使用天数",
        "归还笔数",
        "逾期笔数",
        "银行承担笔数",
    ]
    for title, groups in (("按银行", report.by_bank), ("按行业", report.by_industry)):
        sheet = wb.create_sheet(title)
        append_row(sheet, header)
        for row in _group_rows(groups):
            append_row(sheet, row)
    end = wb.create_sheet("期末余额")
    append_row(end, ["科目", "期末余额(借方为正)"])
    for account in Account:
        append_row(end, [account.label, report.balances_at_end[account.value]])
    return wb


def bar_chart_svg(groups: Sequence[Group]) -> SafeString:
    """Horizontal bars of the amount lent per bank, drawn on the server (no script, no CDN)."""
    if not groups:
        return mark_safe("")
    top = max((g.amount for g in groups), default=0) or 1
    row, width = 28, 300
    parts = [
        (
            f'<svg class="chart" role="img" aria-label="按银行放款金额" viewBox="0 0 640 {row * len(groups) + 10}" '
            f'width="640" xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for i, g in enumerate(groups):
        y = i * row + 5
        w = int(width * float(g.amount / top)) if g.amount else 0
        parts.append(f'<text x="0" y="{y + 17}" font-size="13">{escape(g.name[:12])}</text>')
        parts.append(f'<rect x="170" y="{y + 4}" width="{w}" height="18" fill="#b22222"></rect>')
        parts.append(
            f'<text x="{175 + w}" y="{y + 17}" font-size="12">{g.amount:,.2f} 元 / {g.loans} 笔</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped
