"""The fire campaign: checklist matches the text, scopes, three lists, exposure; schedules."""

from __future__ import annotations

from datetime import date

import pytest

from chengqu.common import DomainError
from chengqu.gazette import ParseResult
from chengqu.supervision import (
    campaign_steps,
    check_exposure,
    check_inspector_scope,
    checklist,
    exposure_slots,
    obligations,
    occurrences,
    three_lists,
    venue_classes,
)


def test_checklist_matches_the_text(parsed: ParseResult) -> None:
    groups = checklist(parsed)
    assert [g.group for g in groups] == [
        "违规动火动焊作业和生产经营",
        "安全疏散条件不足",
        "违规设置防盗网和广告牌",
        "燃气使用及管路敷设不规范",
        "其他突出问题隐患",
    ]
    assert [len(g.items) for g in groups] == [5, 5, 2, 5, 6]
    item = groups[3].items[1]
    assert item.id == "4-2"
    assert item.text == "连接液化气钢瓶与灶具的胶管未使用不锈钢波纹管,或长度超过2米。"
    assert (item.citation.document, item.citation.clause) == (
        "城政办发〔2024〕3号",
        "para_3__subpara_4__item_2",
    )
    # the item that crossed a page break in the source is whole
    assert groups[3].items[3].text == "私接“三通”接头或穿越墙体、门窗、顶棚和地面。"


def test_venue_classes() -> None:
    classes = venue_classes()
    assert [c.label for c in classes] == ["九小场所", "多业态混合生产经营场所", "人员密集场所"]
    assert len(classes[0].kinds) == 9
    assert "小网吧" in classes[0].kinds


def test_inspector_scopes() -> None:
    assert check_inspector_scope("police_station", "nine_small").clause == "para_5__subpara_1"
    with pytest.raises(DomainError) as err:
        check_inspector_scope("police_station", "crowded")
    assert err.value.code == "hazard.scope"


def test_three_lists_are_all_required() -> None:
    lists = three_lists(
        problem="堵塞安全出口",
        measure="清理通道",
        responsible_unit="某饭店",
        responsible_person="张三",
        deadline=date(2024, 2, 20),
        found_on=date(2024, 2, 12),
    )
    assert lists.citation.clause == "para_5__subpara_2"
    with pytest.raises(DomainError) as err:
        three_lists(
            problem="x",
            measure="",
            responsible_unit="u",
            responsible_person="p",
            deadline=date(2024, 2, 20),
            found_on=date(2024, 2, 12),
        )
    assert err.value.field == "measure"
    with pytest.raises(DomainError):
        three_lists(
            problem="x",
            measure="m",
            responsible_unit="u",
            responsible_person="p",
            deadline=date(2024, 2, 1),
            found_on=date(2024, 2, 12),
        )


def test_exposure_schedule_and_check() -> None:
    slots = exposure_slots(campaign_start=date(2024, 2, 4))
    assert slots[0].end == date(2024, 2, 9)  # before the Spring Festival (2024-02-10)
    assert slots[1].start == date(2024, 2, 10)
    assert slots[-1].end == date(2024, 3, 31)
    assert len(slots) == 1 + 8  # 2-10 … 3-31 in 7-day weeks, the last one short
    checks = check_exposure(slots, [(date(2024, 2, 8), 5), (date(2024, 2, 12), 4)])
    assert checks[0].ok
    assert not checks[1].ok
    assert "少于5家" in checks[1].notes[0]
    assert not checks[2].ok
    assert "未开展" in checks[2].notes[0]


def test_campaign_report_dates() -> None:
    fire = campaign_steps("城政办发〔2024〕3号")
    assert [s.due.isoformat()[5:] for s in fire] == [
        "02-08",
        "02-10",
        "02-19",
        "02-21",
        "03-13",
        "03-20",
        "03-25",
        "03-31",
    ]
    assert [s.label for s in campaign_steps("城政办发〔2024〕4号")] == [
        "市容清洁阶段",
        "成效巩固阶段",
    ]
    census = campaign_steps("城政发〔2024〕3号")
    assert [s.kind for s in census].count("phase") == 3
    assert next(s for s in census if s.kind == "time_point").due == date(2024, 4, 30)


def test_recurring_obligations() -> None:
    by_key = {o.key: o for o in obligations()}
    meeting = by_key["safety_committee_meeting"]
    months = occurrences(meeting, start=date(2024, 3, 9), end=date(2024, 12, 31))
    assert len(months) == 10
    assert months[0].due == date(2024, 3, 31)
    assert months[-1].due == date(2024, 12, 31)
    drill = occurrences(by_key["district_drill"], start=date(2024, 3, 9), end=date(2024, 12, 31))
    assert [(o.due, o.at_least) for o in drill] == [(date(2024, 12, 31), 1)]
    assert by_key["group_company_inspection"].at_least == 2
