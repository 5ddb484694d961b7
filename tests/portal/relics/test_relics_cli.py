"""`chengqu relics …` verbs: phase, check-point, import with bad rows, export, progress."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from portal.audit.models import AuditEntry
from portal.relics.cli import group
from portal.relics.models import Relic


def invoke(*args: str):
    return CliRunner().invoke(group, list(args))


def test_phase_on_a_date_with_the_standard_time_point():
    result = invoke("phase", "--date", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["phase"] == "phase_3"
    assert body["standard_time_point"] == "2024-04-30"
    assert any("para_4__subpara_3" in c for c in body["citations"])


def test_a_point_outside_the_district_fails():
    assert invoke("check-point", "--lon", "112.85", "--lat", "35.50").exit_code == 0
    result = invoke("check-point", "--lon", "112.549", "--lat", "37.87")
    assert result.exit_code != 0
    assert "不在" in str(result.exception)


@pytest.mark.django_db
def test_import_reports_bad_rows_and_export_is_logged(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["普查编号", "名称", "镇(街道)", "经度", "纬度", "保护级别", "文物类别"])
    sheet.append(["D1", "汤帝庙", "北石店镇", "112.85", "35.50", "市级", "古建筑"])
    sheet.append(["D2", "坏行", "北石店镇", "35.50", "112.85", "市级", "古建筑"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    bad = invoke("import", str(path), "--actor", "wenwu", "--json")
    assert bad.exit_code != 0
    assert Relic.objects.count() == 0
    sheet.delete_rows(3)
    book.save(path)
    good = invoke("import", str(path), "--actor", "wenwu", "--json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["created"] == 1
    out = tmp_path / "out.xlsx"
    exported = invoke("export", str(out), "--actor", "team_bsd", "--json")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["count"] == 1
    assert AuditEntry.objects.filter(
        action="relics.export.register", actor_id=world.team_bsd.pk
    ).exists()
    progress = json.loads(
        invoke("progress", "--date", "2024-06-01", "--actor", "wenwu", "--json").output
    )
    assert progress["phase"] == "phase_2"
    assert progress["target"] == 367
