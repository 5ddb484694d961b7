"""xlsx exports: a batch's results (with the 免申即享 list, the summary by measure and the row
errors) and the payment ledger. Amounts are written as exact two-decimal numbers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from chengqu.incentives import default_rules
from portal.core.exports import append_row, saved
from portal.incentives.models import BatchRun, Payment
from portal.incentives.selectors import LedgerLine, batch_results


def _money(value: str | Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _citation(item: dict[str, object]) -> str:
    citation = item.get("citation")
    if isinstance(citation, dict):
        return f"{citation.get('document', '')} {citation.get('clause', '')}"
    return ""


def batch_workbook(batch: BatchRun) -> bytes:
    """批量测算结果.xlsx: 免申即享名单, 逐户结果, 分措施汇总, 错误行."""
    rules = default_rules()
    numbers = [m.number for m in rules.measures if m.kind != "guidance"]
    book = Workbook(write_only=True)
    info = book.create_sheet("说明")
    append_row(info, ["文件", batch.file_name])
    append_row(info, ["文件SHA-256", batch.file_sha256])
    append_row(info, ["测算日期", batch.as_of.isoformat()])
    append_row(info, ["上传人", str(batch.uploaded_by)])
    append_row(
        info, ["上传时间", timezone.localtime(batch.uploaded_at).strftime("%Y-%m-%d %H:%M:%S")]
    )
    append_row(info, ["依据", f"{rules.title} ({rules.document})"])
    append_row(
        info, ["记录数", batch.row_count, "测算成功", batch.good_count, "错误行", batch.error_count]
    )

    qualified = book.create_sheet("免申即享名单")
    append_row(
        qualified,
        [
            "企业标识",
            "企业名称",
            "措施",
            "档次",
            "金额(元)",
            "是否上限(以审核为准)",
            "依据条款",
            "牵头单位",
            "理由",
        ],
    )
    everyone = book.create_sheet("逐户结果")
    append_row(
        everyone,
        [
            "行号",
            "企业标识",
            "企业名称",
            "奖励合计(元)",
            *[f"第{n}条(元)" for n in numbers],
            "待补充数据",
            "差一点达到的档次",
        ],
    )
    for row in batch_results(batch=batch).iterator(chunk_size=2000):
        result = row.result
        by_measure: dict[int, Decimal] = {}
        for award in result["awards"]:
            amount = _money(award["amount"])
            by_measure[int(award["measure"])] = amount
            append_row(
                qualified,
                [
                    row.enterprise_id,
                    row.enterprise_name,
                    f"第{award['measure']}条",
                    award["tier"],
                    amount,
                    "是" if award.get("estimate") else "",
                    _citation(award),
                    award.get("lead_unit", ""),
                    award["reason"],
                ],
            )
        append_row(
            everyone,
            [
                row.line,
                row.enterprise_id,
                row.enterprise_name,
                row.total,
                *[by_measure.get(n) for n in numbers],
                "; ".join(n["message"] for n in result["needs"]),
                "; ".join(n["message"] for n in result["near_misses"]),
            ],
        )

    summary = book.create_sheet("分措施汇总")
    append_row(summary, ["措施", "名称", "企业数", "金额合计(元)"])
    for item in batch.summary:
        append_row(
            summary, [f"第{item['measure']}条", item["title"], item["count"], _money(item["total"])]
        )
    append_row(summary, ["合计", "", batch.qualified_count, batch.total])

    errors = book.create_sheet("错误行")
    append_row(errors, ["行号", "企业标识", "字段", "错误代码", "说明"])
    for error in batch.errors:
        append_row(
            errors, [error["line"], error["id"], error["field"], error["code"], error["message"]]
        )
    return saved(book)


def ledger_workbook(
    lines: Iterable[LedgerLine], total: Decimal, payments: Iterable[Payment]
) -> bytes:
    """奖励兑现台账.xlsx: the sum per measure, then every payment."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("分措施汇总")
    append_row(summary, ["措施", "名称", "兑现笔数", "兑现金额(元)"])
    for line in lines:
        append_row(summary, [f"第{line.measure}条", line.title, line.count, line.total])
    append_row(summary, ["合计", "", "", total])
    detail = book.create_sheet("兑现明细")
    append_row(
        detail,
        ["兑现时间", "企业", "措施", "档次", "金额(元)", "一次性", "凭证号", "经办人", "申报编号"],
    )
    for payment in payments:
        append_row(
            detail,
            [
                timezone.localtime(payment.paid_at).strftime("%Y-%m-%d %H:%M"),
                str(payment.enterprise),
                f"第{payment.measure}条",
                payment.claim.tier,
                payment.amount,
                "是" if payment.one_off else "否",
                payment.reference,
                str(payment.paid_by),
                payment.claim_id,
            ],
        )
    return saved(book)
