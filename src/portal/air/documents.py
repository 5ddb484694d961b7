"""《重污染天气预警信息发布(解除)审批表》 as .docx (plan 3.2, 3.3)."""

from __future__ import annotations

from django.utils import timezone

from portal.air.models import WarningDecision
from portal.core.exports import clean_text, saved

LEVEL_LABEL = {"none": "无", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
FORM_TITLE = "重污染天气预警信息发布(解除)审批表"


def _time(value: object) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else ""  # type: ignore[arg-type]


def approval_form(decision: WarningDecision) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(FORM_TITLE)
    run.bold = True
    doc.add_paragraph("填报单位: 晋城市城区重污染天气应急指挥部办公室(区生态环境分局)")
    result = decision.result
    reasons = "; ".join(r["text"] for r in result.get("reasons", [])) or "—"
    notes = "; ".join(result.get("notes", []))
    series = [
        v for v in result.get("series", [])[result.get("forecast_start", 0) :] if v is not None
    ]
    rows = [
        ("事项", f"预警{decision.get_action_display()}"),
        (
            "预警级别",
            LEVEL_LABEL[decision.level]
            if decision.action != "release"
            else f"解除{LEVEL_LABEL[decision.previous_level]}",
        ),
        ("原预警级别", LEVEL_LABEL[decision.previous_level]),
        ("响应级别", decision.get_response_display() if decision.response else "应急响应终止"),
        (
            "减排比例要求",
            f"{result['reduction_target_percent']}%"
            if result.get("reduction_target_percent")
            else "—",
        ),
        ("首要污染物", decision.episode.get_episode_display()),
        ("影响范围", "晋城市城区行政区域"),
        ("预测日AQI(24小时滑动平均)最大值", str(max(series)) if series else "—"),
        ("研判依据", reasons),
        ("说明", "; ".join(x for x in (decision.note, notes) if x) or "—"),
        ("填报人", str(decision.drafted_by or "系统")),
        ("填报时间", _time(decision.drafted_at)),
        ("审批意见", decision.approval_opinion),
        ("批准人", f"{decision.approved_by or ''} {decision.approver_post}".strip()),
        ("批准时间", _time(decision.approved_at)),
        ("发布时间", _time(decision.published_at)),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = clean_text(value)  # stored text: no character python-docx refuses
    doc.add_paragraph(
        "依据: 《晋城市城区重污染天气应急预案》(城政办发〔2024〕1号) 3.2: 黄色预警由副指挥长批准, 同时向指挥长报告; "
        "橙色预警和红色预警由指挥长批准, 或由指挥长授权的副指挥长批准。3.3: 预警等级的调整、解除与预警发布的主体及程序保持一致。"
    )
    return saved(doc)
