"""The gazette import: counts, idempotence, a changed gazette keeps progress; the CLI contracts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from chengqu.data import read_gazette_issue
from chengqu.gazette import parse_issue
from portal.supervision.cli import group
from portal.supervision.loading import load_tasks
from portal.supervision.models import LoopItem
from portal.supervision.services import loop_act, tasks_import_gazette


def test_import_counts_and_second_run_changes_nothing(world) -> None:
    tasks = LoopItem.objects.filter(kind="task")
    assert tasks.filter(source="城政办发〔2024〕9号", parent=None).count() == 127
    assert tasks.filter(source="城政办发〔2024〕9号", livelihood=True).count() == 24
    assert tasks.filter(source="城政发〔2024〕5号").count() == 32
    assert tasks.filter(source="城政办发〔2024〕3号").count() == 8
    assert load_tasks() == 0
    assert tasks.count() == 127 + 32 + 8 + 2 + 4


def test_units_are_resolved_and_shared(world) -> None:
    task = world.task("二、(二)1")
    assert task.unit == world.finance
    assert task.responsible_leader == "暴晋忠"
    safety = LoopItem.objects.get(source="城政发〔2024〕5号", number="(十八)")
    shared = set(safety.co_units.values_list("name", flat=True))
    assert {"区消防救援大队", "区住建局", "区应急管理局"} <= shared | {safety.unit.name}


def test_changed_gazette_updates_text_keeps_progress_and_never_duplicates(world) -> None:
    task = world.task("二、(二)1")
    loop_act(actor=world.finance_user, item=task, action="progress", progress=40, text="已压减支出")
    text = read_gazette_issue("gazette-2024-1.txt").replace(
        "兜牢“三保”底线", "兜牢“三保”底线并按季公开"
    )
    result = tasks_import_gazette(parsed=parse_issue(text))
    assert (result.created, result.updated) == (0, 1)
    task.refresh_from_db()
    assert "按季公开" in task.text
    assert (task.progress, task.state) == (40, "in_progress")
    assert LoopItem.objects.filter(key=task.key).count() == 1
    assert task.events.filter(action="import_update").count() == 1


def test_cli_tasks_list_contract(world) -> None:
    result = CliRunner().invoke(
        group, ["tasks", "list", "--source", "城政办发[2024]9号", "--livelihood", "--json"]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) == 24
    assert set(items[0]) == {
        "id",
        "source",
        "text",
        "leader",
        "lead_unit",
        "responsible_leader",
        "supervisors",
        "sections",
        "persons",
        "livelihood",
        "deadline",
        "deadline_source",
        "milestones",
    }
    roads = json.loads(
        CliRunner().invoke(group, ["tasks", "list", "--unit", "区交通运输局", "--json"]).output
    )
    (three,) = [i for i in roads if len(i["milestones"]) == 3]
    assert [m["date"] for m in three["milestones"]] == ["2024-05-31", "2024-06-30", "2024-12-31"]
    assert three["deadline"] == "2024-12-31"
    assert three["deadline_source"] == "text"


def test_cli_import_is_idempotent(world) -> None:
    result = CliRunner().invoke(group, ["import-gazette", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"created": 0, "updated": 0, "unchanged": 173}


def test_cli_hazards_checklist_contract() -> None:
    result = CliRunner().invoke(group, ["hazards", "checklist", "--json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)
    assert [len(g["items"]) for g in groups] == [5, 5, 2, 5, 6]
    assert groups[1]["items"][0] == {
        "id": "2-1",
        "text": "占用、堵塞、封闭疏散通道、安全出口和消防车通道。",
        "citation": {"document": "城政办发〔2024〕3号", "clause": "para_3__subpara_2__item_1"},
    }
