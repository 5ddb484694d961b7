"""The task lists imported from the bundled issue: golden files, damaged places, item by item.

Regenerate the golden files only on purpose: CHENGQU_UPDATE_GOLDEN=1 pytest tests/chengqu/supervision
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chengqu.common import DomainError
from chengqu.gazette import ParseResult
from chengqu.supervision import (
    DeadlineSource,
    SafetyTask,
    TaskItem,
    import_safety_tasks,
    import_work_report,
)
from chengqu.supervision.safety import units_of
from chengqu.supervision.text import clean, split_names, split_tail
from chengqu.supervision.worklist import find_document

GOLDEN = Path(__file__).parent / "golden"


def task_json(t: TaskItem) -> dict[str, Any]:
    return {
        "id": t.key,
        "number": t.number,
        "leader": t.leader,
        "leader_title": t.leader_title,
        "lead_unit": t.lead_unit,
        "responsible_leader": t.responsible_leader,
        "supervisors": list(t.supervisors),
        "sections": list(t.sections),
        "persons": list(t.persons),
        "livelihood": t.livelihood,
        "liaison": t.liaison,
        "towns": t.towns,
        "deadline": t.deadline.due.isoformat(),
        "deadline_source": str(t.deadline.source),
        "milestones": [{"date": m.due.isoformat(), "text": m.text} for m in t.deadline.milestones],
        "text": t.text,
    }


def safety_json(t: SafetyTask) -> dict[str, Any]:
    return {
        "id": t.key,
        "number": t.number,
        "title": t.title,
        "units": list(t.units),
        "towns": t.towns,
        "deadline": t.deadline.due.isoformat(),
        "deadline_source": str(t.deadline.source),
    }


def _golden(name: str, data: list[dict[str, Any]]) -> None:
    path = GOLDEN / name
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("CHENGQU_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), "golden file missing: run with CHENGQU_UPDATE_GOLDEN=1 once and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == data


@pytest.fixture(scope="module")
def tasks(parsed: ParseResult) -> tuple[TaskItem, ...]:
    return import_work_report(parsed)


def by_number(tasks: tuple[TaskItem, ...], number: str) -> TaskItem:
    (found,) = [t for t in tasks if t.number == number]
    return found


def test_work_report_matches_golden_file(tasks: tuple[TaskItem, ...]) -> None:
    _golden("work-report-2024.json", [task_json(t) for t in tasks])


def test_safety_tasks_match_golden_file(parsed: ParseResult) -> None:
    _golden("safety-2024.json", [safety_json(t) for t in import_safety_tasks(parsed)])


def test_counts_tasks_livelihood_and_liaison(tasks: tuple[TaskItem, ...]) -> None:
    assert len(tasks) == 127
    assert sum(t.livelihood for t in tasks) == 24
    assert [t.number for t in tasks if t.liaison] == ["八、(一)4", "八、(一)5"]
    assert len({t.key for t in tasks}) == 127  # keys are unique: re-imports match tasks by key


def test_leaders_in_order(tasks: tuple[TaskItem, ...]) -> None:
    leaders = list(dict.fromkeys(t.leader for t in tasks))
    assert leaders == [
        "范永星",
        "冯晓伟",
        "张海忠",
        "郭晓晨",
        "史晋雷",
        "赵耀华",
        "牛大伟",
        "刘小虎",
        "冯军彪",
        "靳睿",
        "",
    ]
    assert by_number(tasks, "六、(一)1").leader_title == "副区长、区公安分局局长"
    assert by_number(tasks, "二、(一)1").leader_title == "区委常委、常务副区长"


def test_name_split_across_page_break_is_joined(
    issue_text: str, tasks: tuple[TaskItem, ...]
) -> None:
    # the damage is really in the source text …
    assert "责任领\n\n导:赵晋梁" in issue_text
    assert "焦\n\n冬栋" in issue_text
    # … and the tasks carry the whole names
    assert {t.responsible_leader for t in tasks if t.lead_unit == "区物业事务服务中心"} == {
        "赵晋梁"
    }
    assert {t.responsible_leader for t in tasks if t.lead_unit == "区生态环境分局"} == {"焦冬栋"}
    assert by_number(tasks, "十一、(三)1").responsible_leader == "马云"  # 责任\n\n领导:马云


def test_headings_glued_to_bold_markers(issue_text: str, tasks: tuple[TaskItem, ...]) -> None:
    assert "郭晓晨负责的工作**(一)区教育和科学技术局" in issue_text
    for number, unit, responsible, leader in (
        ("四、(一)1", "区教育和科学技术局", "王孟", "郭晓晨"),
        ("五、(一)1", "区卫生健康和体育局", "张丰亮", "史晋雷"),
        ("十、(一)1", "区人力资源和社会保障局", "刘林栋", "靳睿"),
    ):
        task = by_number(tasks, number)
        assert (task.lead_unit, task.responsible_leader, task.leader) == (unit, responsible, leader)
        assert "**" not in task.text


def test_clean_repairs_damage_in_isolation() -> None:
    assert (
        clean("区物业事务服务中心牵头的工作(责任领\n\n导:赵晋梁)")
        == "区物业事务服务中心牵头的工作(责任领导:赵晋梁)"
    )
    assert (
        clean("**(一)区教育和科学技术局牵头的工作(责任领导:王孟)**")
        == "(一)区教育和科学技术局牵头的工作(责任领导:王孟)"
    )


def test_people_matched_in_order(tasks: tuple[TaskItem, ...]) -> None:
    task = by_number(tasks, "二、(一)3")
    assert task.supervisors == ("冯智", "闫忠斌")
    assert task.sections == ("能源股", "城建科")
    assert task.persons == ("司渊", "王艳霞")
    edu = by_number(tasks, "四、(一)4")
    assert len(edu.supervisors) == 4
    assert len(edu.sections) == 6
    assert len(edu.persons) == 6
    assert edu.persons[0] == "孟建军"
    assert edu.sections[0] == "人事股"


def test_mayor_section_takes_the_responsible_unit_from_its_bracket(
    tasks: tuple[TaskItem, ...],
) -> None:
    task = by_number(tasks, "一、(一)1")
    assert task.lead_unit == "各镇(街道)及区直各有关单位"
    assert task.persons == ("各镇(街道)及区直各有关单位主要负责人",)


def test_towns_section(tasks: tuple[TaskItem, ...]) -> None:
    towns = [t for t in tasks if t.towns]
    assert len(towns) == 35
    assert {t.lead_unit for t in towns} >= {
        "北石店镇",
        "西上庄街道办事处",
        "开发区街道办事处",
        "相关镇(街道)",
    }
    assert by_number(tasks, "十一、(一)1").persons == ("各镇(街道)镇长、主任",)
    assert by_number(tasks, "十一、(二)1").responsible_leader == "王阿勇"
    assert by_number(tasks, "十一、(九)1").persons[-1] == "宋梦姣"


@pytest.mark.parametrize(
    ("number", "due", "phrases"),
    [
        ("十一、(三)3", date(2024, 5, 31), ["5月底前"]),
        ("十一、(二)2", date(2024, 9, 30), ["9月底前"]),
        ("十一、(二)3", date(2024, 4, 30), ["4月底前"]),
        ("二、(四)1", date(2024, 12, 31), ["年内"]),
        ("二、(四)2", date(2024, 12, 31), ["全年"]),
        ("九、(一)7", date(2024, 12, 31), ["2024年底"]),
        ("十、(二)1", date(2024, 3, 31), ["一季度"]),
        ("二、(一)2", date(2024, 6, 30), ["一季度", "上半年"]),
        ("十一、(三)2", date(2024, 4, 30), ["“4·30”"]),
        ("五、(一)4", date(2024, 7, 31), ["7月全面投运"]),
        ("十一、(五)2", date(2024, 6, 30), ["6月开门迎客"]),
        ("三、(三)2", date(2024, 12, 31), ["5月底前", "6月底前", "12月底前"]),
    ],
)
def test_deadline_forms(
    tasks: tuple[TaskItem, ...], number: str, due: date, phrases: list[str]
) -> None:
    deadline = by_number(tasks, number).deadline
    assert deadline.due == due
    assert deadline.source is DeadlineSource.TEXT
    assert [m.phrase for m in deadline.milestones] == phrases


def test_three_road_milestones(tasks: tuple[TaskItem, ...]) -> None:
    ms = by_number(tasks, "三、(三)2").deadline.milestones
    assert [(m.due, m.text) for m in ms] == [
        (date(2024, 5, 31), "5月底前建成洞头环村路"),
        (date(2024, 6, 30), "6月底前建成山西底—卧龙山庄道路"),
        (date(2024, 12, 31), "12月底前建成王台—司徒道路"),
    ]


def test_no_date_is_the_year_end_marked_default(tasks: tuple[TaskItem, ...]) -> None:
    task = by_number(tasks, "二、(一)3")  # 新增1270个充电桩
    assert task.deadline.due == date(2024, 12, 31)
    assert task.deadline.source is DeadlineSource.DEFAULT
    assert task.deadline.milestones == ()


def test_tail_and_names() -> None:
    assert split_tail("做事。(责任人:各镇(街道)镇长、主任)") == (
        "做事。",
        "责任人:各镇(街道)镇长、主任",
    )
    assert split_tail("没有括号的任务。") == ("没有括号的任务。", None)
    assert split_names("各镇(街道)镇长、主任") == ("各镇(街道)镇长、主任",)
    assert split_names("王程、金一辰") == ("王程", "金一辰")


def test_safety_tasks_with_units(parsed: ParseResult) -> None:
    tasks = import_safety_tasks(parsed)
    assert len(tasks) == 32
    assert all(t.towns and "各镇(街道)" in t.units for t in tasks)
    assert tasks[0].units == ("区安委办", "各镇(街道)")
    assert tasks[15].units[0] == "区住建局"  # (十六) 区住建局牵头 …
    assert "区消防救援大队" in tasks[17].units  # (十八) 消防领域
    assert tasks[31].units == ("区安委办", "区有关部门", "各镇(街道)")


def test_units_of_strips_suffixes() -> None:
    assert units_of("区工信局、区交通局等部门分工负责") == ("区工信局", "区交通局")
    assert units_of("区安委办和区有关部门负责") == ("区安委办", "区有关部门")
    assert units_of("区发改局、区应急局督促企业落实") == ("区发改局", "区应急局")


def test_missing_document_is_a_clear_refusal(parsed: ParseResult) -> None:
    with pytest.raises(DomainError) as err:
        find_document(parsed, "城政办发〔2099〕1号")
    assert err.value.code == "supervision.no_document"
