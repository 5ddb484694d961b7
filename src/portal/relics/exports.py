"""The register and the census forms as .xlsx (openpyxl)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from chengqu.relics import standard_time_point
from portal.core.exports import append_row, saved
from portal.relics.models import Reexamination, Relic

REGISTER_COLUMNS = (
    "普查编号",
    "名称",
    "镇(街道)",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "海拔(米)",
    "保护级别",
    "文物类别",
    "年代",
    "权属",
    "使用情况",
    "保存状况",
    "管理机构",
    "来源",
    "状态",
    "数据时点",
)


def _header(sheet: Worksheet, title: str, columns: Iterable[str]) -> None:
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(
        sheet, [f"普查标准时点: {standard_time_point().value.isoformat()} (城政发〔2024〕3号 四)"]
    )
    append_row(sheet, list(columns))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"


def _register_row(r: Relic) -> list[object]:
    return [
        r.code,
        r.name,
        r.department.name,
        r.address,
        str(r.longitude) if r.longitude is not None else "",
        str(r.latitude) if r.latitude is not None else "",
        r.datum,
        str(r.elevation) if r.elevation is not None else "",
        r.get_level_display(),
        r.get_category_display(),
        r.era,
        r.ownership,
        r.use,
        r.get_state_display(),
        r.managing_body,
        r.get_origin_display(),
        r.get_stage_display(),
        r.as_of.isoformat(),
    ]


def register_xlsx(relics: Iterable[Relic]) -> tuple[bytes, int]:
    """不可移动文物名录.xlsx: one row per record with every census content; its header row re-imports."""
    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = "不可移动文物名录"
    _header(sheet, "晋城市城区不可移动文物名录", REGISTER_COLUMNS)
    count = 0
    for relic in relics:
        append_row(sheet, _register_row(relic))
        count += 1
    return saved(book), count


def census_forms_xlsx(relics: Iterable[Relic]) -> tuple[bytes, int]:
    """普查登记表.xlsx: 复查登记表 (registered relics, latest 复查) and 新发现文物登记表 (leads and their stage)."""
    book = Workbook()
    reexam = book.active
    assert reexam is not None
    reexam.title = "复查登记表"
    _header(
        reexam,
        "第四次全国文物普查 已登记不可移动文物复查登记表",
        (
            *REGISTER_COLUMNS[:3],
            "复查日期",
            "复查结果",
            "损毁原因",
            "变化情况",
            "复查人",
            "损毁案件",
        ),
    )
    new = book.create_sheet("新发现文物登记表")
    _header(new, "第四次全国文物普查 新发现不可移动文物登记表", (*REGISTER_COLUMNS, "认定意见"))
    count = 0
    for relic in relics:
        count += 1
        if relic.origin == Relic.Origin.REGISTERED:
            latest: Reexamination | None = relic.reexaminations.order_by(
                "-examined_on", "-pk"
            ).first()
            if latest is None:
                append_row(
                    reexam,
                    [relic.code, relic.name, relic.department.name, "", "未复查", "", "", "", ""],
                )
                continue
            case = getattr(latest, "case", None)
            append_row(
                reexam,
                [
                    relic.code,
                    relic.name,
                    relic.department.name,
                    latest.examined_on.isoformat(),
                    latest.get_outcome_display(),
                    latest.get_cause_display(),
                    latest.changes,
                    str(latest.examined_by),
                    case.get_status_display() if case else "",
                ],
            )
        else:
            append_row(new, [*_register_row(relic), relic.verified_note])
    return saved(book), count
