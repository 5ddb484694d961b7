"""Exports: the task ledger (台账.xlsx), bulletins (.xlsx and .docx), the 附件4 调度表."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from docx import Document as DocxDocument
from openpyxl import Workbook

from chengqu.supervision.loop import COLOUR_LABELS, STATE_LABELS, State
from portal.core.exports import append_row, clean_text, saved
from portal.supervision.models import LoopItem
from portal.supervision.selectors import BUCKET_LABELS, BUCKETS, rows

LEDGER_HEADERS = [
    "序号",
    "来源文号",
    "任务内容",
    "区领导",
    "牵头单位",
    "责任领导",
    "分管领导",
    "责任科室",
    "责任人",
    "民生实事",
    "交办日期",
    "完成期限",
    "期限来源",
    "节点",
    "状态",
    "进度(%)",
    "颜色",
    "逾期",
    "督办级别",
]


def ledger_workbook(items: Iterable[LoopItem], *, today: date) -> bytes:
    """任务台账.xlsx: one row per task with its status and colour on ``today``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务台账")
    append_row(sheet, LEDGER_HEADERS)
    batch: list[LoopItem] = []

    def flush() -> None:
        for row in rows(batch, today=today):
            i = row.item
            append_row(
                sheet,
                [
                    i.number,
                    i.source,
                    i.text,
                    i.leader,
                    i.unit_name or (i.unit.name if i.unit else ""),
                    i.responsible_leader,
                    "、".join(i.supervisors),
                    "、".join(i.sections),
                    "、".join(i.persons),
                    "是" if i.livelihood else "",
                    i.dispatched,
                    i.due,
                    "原文" if i.due_source == "text" else "默认年底",
                    ";".join(f"{m['date']} {m['text']}" for m in i.milestones),
                    STATE_LABELS[State(i.state)],
                    i.progress,
                    COLOUR_LABELS[row.colour],
                    "是" if row.overdue else "",
                    i.escalation,
                ],
            )
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= 2000:
            flush()
    flush()
    return saved(book)


PEOPLE_KEYS = ("overdue_leaders", "overdue_persons", "behind_leaders", "behind_persons")


def people_sentence(f: dict[str, Any]) -> str:
    """逾期3项,责任领导张三,责任人李四、王五;滞后1项,责任领导…"""
    parts = []
    for bucket, label in (("overdue", "逾期"), ("behind", "滞后")):
        if not f.get(bucket):
            continue
        text = f"{label}{f[bucket]}项"
        if f.get(f"{bucket}_leaders"):
            text += ",责任领导" + "、".join(f[f"{bucket}_leaders"])
        if f.get(f"{bucket}_persons"):
            text += ",责任人" + "、".join(f[f"{bucket}_persons"])
        parts.append(text)
    return ";".join(parts) + "。"


def bulletin_workbook(
    figures: list[dict[str, Any]], *, title: str, missed: list[dict[str, Any]] | None = None
) -> bytes:
    """督查通报.xlsx: per unit, done / on track / behind / overdue; a second sheet lists the periods
    of recurring obligations not met."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("通报")
    append_row(sheet, [title])
    append_row(
        sheet,
        [
            "单位",
            *[BUCKET_LABELS[b] for b in BUCKETS],
            "合计",
            "逾期事项责任领导",
            "逾期事项责任人",
            "滞后事项责任领导",
            "滞后事项责任人",
        ],
    )
    for f in figures:
        append_row(
            sheet,
            [
                f["unit"],
                *[f[b] for b in BUCKETS],
                f["total"],
                *["、".join(f.get(k, [])) for k in PEOPLE_KEYS],
            ],
        )
    duties = book.create_sheet("周期性工作未落实")
    append_row(duties, ["单位", "周期性工作", "期间", "已开展(次)", "应开展(次)"])
    for m in missed or []:
        append_row(duties, [m["unit"], m["obligation"], m["period"], m["done"], m["at_least"]])
    return saved(book)


def bulletin_docx(
    figures: list[dict[str, Any]],
    *,
    title: str,
    period: str,
    missed: list[dict[str, Any]] | None = None,
) -> bytes:
    """督查通报.docx: the bulletin as a document, a table per unit and the units behind named."""
    doc = DocxDocument()
    doc.add_heading(clean_text(title), level=1)
    doc.add_paragraph(
        clean_text(
            f"通报期间: {period}。依据《晋城市城区人民政府办公室关于印发2024年区〈政府工作报告〉任务分工的通知》"
            "(城政办发〔2024〕9号),区政府督查室对各单位任务落实情况通报如下。"
        )
    )
    table = doc.add_table(rows=1, cols=len(BUCKETS) + 2)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["单位", *[BUCKET_LABELS[b] for b in BUCKETS], "合计"], strict=True
    ):
        cell.text = text
    for f in figures:
        cells = table.add_row().cells
        for cell, value in zip(
            cells, [f["unit"], *[f[b] for b in BUCKETS], f["total"]], strict=True
        ):
            cell.text = clean_text(value)
    late = [f["unit"] for f in figures if f["overdue"]]
    if late:
        doc.add_paragraph(
            clean_text("存在逾期任务的单位: " + "、".join(late) + "。请抓紧推进,按期办结。")
        )
    named = [f for f in figures if any(f.get(k) for k in PEOPLE_KEYS)]
    if named:
        doc.add_heading("逾期、滞后事项责任人员", level=2)
        for f in named:
            doc.add_paragraph(clean_text(f"{f['unit']}: {people_sentence(f)}"), style="List Bullet")
    if missed:
        doc.add_heading("周期性工作未落实情况", level=2)
        for m in missed:
            doc.add_paragraph(
                clean_text(
                    f"{m['unit']}: {m['period']}{m['obligation']}应至少开展{m['at_least']}次,"
                    f"实际开展{m['done']}次。"
                ),
                style="List Bullet",
            )
    return saved(doc)


def three_lists_workbook(items: Iterable[LoopItem], *, today: date) -> bytes:
    """隐患三个清单.xlsx (附件3): problem, measure, responsibility and deadline per hazard."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("三个清单")
    append_row(
        sheet,
        [
            "场所",
            "属地",
            "隐患问题",
            "整改措施",
            "整改责任人",
            "整改时限",
            "检查项",
            "攻坚整治",
            "挂牌督办",
            "状态",
            "颜色",
        ],
    )
    batch = list(items)
    for row in rows(batch, today=today):
        i = row.item
        h = getattr(i, "hazard", None)
        append_row(
            sheet,
            [
                h.venue.name if h else "",
                i.unit_name,
                i.text,
                h.measure if h else "",
                h.responsible_person if h else "",
                i.due,
                h.check_id if h else "",
                "是" if h and h.tough else "",
                "是" if h and h.major else "",
                STATE_LABELS[State(i.state)],
                COLOUR_LABELS[row.colour],
            ],
        )
    return saved(book)
