"""Importing an existing register from xlsx: row-level errors, nothing half-imported; exports re-import."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from portal.audit.models import AuditEntry
from portal.relics.exports import census_forms_xlsx, register_xlsx
from portal.relics.models import QualityIssue, Relic
from portal.relics.services import register_import, relic_reexamine

pytestmark = pytest.mark.django_db

HEADER = [
    "普查编号",
    "名称",
    "镇(街道)",
    "地址",
    "经度",
    "纬度",
    "海拔",
    "保护级别",
    "文物类别",
    "年代",
    "权属",
    "使用情况",
    "保存状况",
    "管理机构",
]


def good_row(
    code: str, name: str, lon: str = "112.851", lat: str = "35.498", town: str = "北石店镇"
) -> list[str]:
    return [
        code,
        name,
        town,
        "府城村",
        lon,
        lat,
        "760",
        "省级",
        "古建筑",
        "明",
        "集体",
        "宗教活动",
        "较好",
        "村委会",
    ]


def write(tmp_path, rows: list[list[str]], name: str = "register.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_a_clean_register_is_imported_with_its_quality_issues(world, tmp_path):
    path = write(
        tmp_path,
        [
            good_row("140502-0001", "府城关帝庙"),
            good_row("140502-0002", "西街文庙", lon="112.840", town="西街街道"),
        ],
    )
    result = register_import(actor=world.bureau, path=path)
    assert result.ok, result.errors
    assert result.created == 2
    relic = Relic.objects.get(code="140502-0001")
    assert (relic.department, relic.level, relic.category, relic.state) == (
        world.bsd,
        "provincial",
        "building",
        "fair",
    )
    assert relic.stage == "registered"
    # imported records have no photographs yet: an open issue each, so nothing is publishable by accident
    assert QualityIssue.objects.filter(code="photographs.missing", status="open").count() == 2
    assert AuditEntry.objects.filter(action="relics.import").count() == 1


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row_and_field(world, tmp_path):
    path = write(
        tmp_path,
        [
            good_row("A1", "汤帝庙"),
            good_row("A2", "坐标颠倒", lon="35.5", lat="112.85"),
            good_row("A3", "太原某处", lon="112.549", lat="37.870"),
            [*good_row("A4", "未知类别")[:8], "古桥", *good_row("A4", "x")[9:]],
            [*good_row("A5", "未知级别")[:7], "乡级", *good_row("A5", "x")[8:]],
            good_row("A1", "编号重复"),
            good_row("A6", "汤帝庙", lon="112.8511"),
            good_row("A7", "某街道", town="火星街道"),
        ],
    )
    result = register_import(actor=world.bureau, path=path)
    assert Relic.objects.count() == 0
    errors = {(e["line"], e["field"]) for e in result.errors}
    assert errors == {
        (3, "经度"),
        (4, "经度"),
        (5, "文物类别"),
        (6, "保护级别"),
        (7, "普查编号"),
        (8, "名称"),
        (9, "镇(街道)"),
    }
    messages = " ".join(e["message"] for e in result.errors)
    assert "颠倒" in messages
    assert "第 2 行" in messages  # the duplicate code points at its first line


def test_only_the_bureau_may_import(world, tmp_path):
    with pytest.raises(PermissionDenied):
        register_import(actor=world.team_bsd, path=write(tmp_path, [good_row("B1", "庙")]))


def test_not_an_xlsx_file_is_refused_with_a_message(world, tmp_path):
    from chengqu.common import DomainError

    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(DomainError) as error:
        register_import(actor=world.bureau, path=path)
    assert "不是有效的 xlsx" in error.value.message


def test_the_exported_register_has_every_census_content(world, make_relic):
    relic = make_relic(name="青莲寺")
    data, count = register_xlsx(Relic.objects.select_related("department"))
    assert count == 1
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[3]]
    assert {
        "名称",
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
    } <= set(header)
    row = dict(zip(header, [c.value for c in sheet[4]], strict=True))
    assert row["名称"] == "青莲寺"
    assert row["坐标系"] == "CGCS2000"
    assert row["保护级别"] == "全国重点文物保护单位"
    assert row["普查编号"] == relic.code


def test_census_forms_show_the_latest_reexamination(world, make_relic):
    relic = make_relic()
    relic_reexamine(
        actor=world.team_bsd, relic=relic, outcome="damaged", cause="human", changes="门楼被拆"
    )
    data, _ = census_forms_xlsx(Relic.objects.select_related("department"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["复查登记表", "新发现文物登记表"]
    values = [c.value for c in book["复查登记表"][4]]
    assert "损毁" in values
    assert "人为破坏" in values
    assert "调查处理中" in values
