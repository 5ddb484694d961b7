"""The fire campaign: an inspection through the phone form, rectification, re-inspection, exposure."""

from __future__ import annotations

from datetime import date

import pytest

from chengqu.common import DomainError
from portal.accounts.models import Department
from portal.accounts.roles import Role
from portal.supervision.models import Hazard, LoopItem
from portal.supervision.services import (
    exposure_record,
    hazard_report,
    loop_act,
    self_inspection_record,
    venue_register,
)


@pytest.fixture
def street(world) -> Department:
    return Department.objects.get(name="西上庄街道")


def _hazard(user, street, name="好再来饭店", deadline=None):
    venue = venue_register(
        actor=user,
        name=name,
        venue_class="nine_small",
        kind="小餐饮",
        street=street,
        responsible_person="李四",
        grid="第3网格",
    )
    return hazard_report(
        actor=user,
        venue=venue,
        check_id="2-1",
        check_text="占用疏散通道",
        clause="para_3__subpara_2__item_1",
        inspector_kind="town",
        problem="后门安全出口被杂物堵塞",
        measure="清理杂物并保持畅通",
        responsible_person="李四",
        deadline=deadline or date(2099, 1, 1),
    )


def test_inspection_form_registers_a_hazard_on_the_loop(login, make_user, street) -> None:
    user = make_user("xsz", Role.UNIT, department=street)
    client = login(user)
    assert client.get("/supervision/hazards/new/").status_code == 200
    response = client.post(
        "/supervision/hazards/new/",
        {
            "venue": "好再来饭店",
            "venue_class": "nine_small",
            "kind": "小餐饮",
            "street": street.pk,
            "grid": "3",
            "venue_person": "李四",
            "inspector_kind": "town",
            "check_id": "4-2",
            "problem": "",
            "measure": "更换不锈钢波纹管",
            "responsible_person": "李四",
            "deadline": "2099-03-01",
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert hazard.item.text.startswith("连接液化气钢瓶")
    assert (hazard.item.unit, hazard.clause) == (street, "para_3__subpara_4__item_2")


def test_police_station_may_not_inspect_crowded_venues(make_user, street) -> None:
    user = make_user("pcs", Role.UNIT, department=street)
    venue = venue_register(
        actor=user,
        name="某宾馆",
        venue_class="crowded",
        kind="宾馆饭店",
        street=street,
        responsible_person="王五",
    )
    with pytest.raises(DomainError) as err:
        hazard_report(
            actor=user,
            venue=venue,
            check_id="1-1",
            check_text="x",
            clause="c",
            inspector_kind="police_station",
            problem="p",
            measure="m",
            responsible_person="r",
            deadline=date(2099, 1, 1),
        )
    assert err.value.code == "hazard.scope"


def test_fixer_cannot_reinspect_and_an_inspector_closes(make_user, street, world) -> None:
    both = make_user("both", Role.UNIT, Role.INSPECTORATE, department=street)
    hazard = _hazard(both, street)
    item = hazard.item
    loop_act(actor=both, item=item, action="submit", evidence="整改后照片")
    with pytest.raises(DomainError) as err:
        loop_act(actor=both, item=item, action="pass")
    assert err.value.code == "loop.self_verify"
    loop_act(actor=world.inspector, item=item, action="pass")
    item.refresh_from_db()
    assert item.state == LoopItem.State.CLOSED


def test_other_street_cannot_see_the_hazard(login, make_user, street, world) -> None:
    hazard = _hazard(world.inspector, street)
    other = make_user("nj", Role.UNIT, department=Department.objects.get(name="南街街道"))
    assert login(other).get(f"/supervision/item/{hazard.item_id}/").status_code == 404


def test_exposure_needs_five_units(street, world) -> None:
    hazards = [_hazard(world.inspector, street, name=f"场所{i}") for i in range(5)]
    with pytest.raises(DomainError):
        exposure_record(actor=world.inspector, held_on=date(2024, 2, 8), hazards=hazards[:4])
    exposure = exposure_record(actor=world.inspector, held_on=date(2024, 2, 8), hazards=hazards)
    assert exposure.hazards.count() == 5


def test_hazard_deadline_before_found_is_refused(street, world) -> None:
    with pytest.raises(DomainError) as err:
        _hazard(world.inspector, street, deadline=date(2000, 1, 1))
    assert err.value.code == "loop.due_before_dispatch"


def test_checklist_and_exposure_pages(login, street, world) -> None:
    client = login(world.inspector)
    assert (
        "违规动火动焊作业和生产经营"
        in client.get("/supervision/hazards/checklist/").content.decode()
    )
    assert "春节前至少一次" in client.get("/supervision/hazards/exposure/").content.decode()
    _hazard(world.inspector, street)
    table = client.get("/supervision/hazards/dispatch-table.xlsx")
    assert table.status_code == 200
    assert client.get("/supervision/hazards/").status_code == 200


def test_a_tough_case_needs_a_plan_and_flags_are_kept(street, world) -> None:
    venue = venue_register(
        actor=world.inspector,
        name="老旧商住楼",
        venue_class="mixed_use",
        kind="多业态多功能经营场所",
        street=street,
        responsible_person="赵六",
    )
    common = {
        "actor": world.inspector,
        "venue": venue,
        "check_id": "5-6",
        "check_text": "彩钢板",
        "clause": "para_3__subpara_5__item_6",
        "inspector_kind": "town",
        "problem": "易燃夹芯彩钢板搭建",
        "measure": "拆除",
        "responsible_person": "赵六",
        "deadline": date(2099, 6, 30),
    }
    with pytest.raises(DomainError) as err:
        hazard_report(**common, tough=True)
    assert err.value.field == "plan"
    hazard = hazard_report(
        **common, tough=True, plan="分两期拆除重建", major=True, credit_flag=True
    )
    assert (hazard.tough, hazard.major, hazard.credit_flag) == (True, True, True)
    assert hazard.item.escalation == 1  # 重大火灾隐患: 挂牌督办 from the start


def test_venue_kind_must_belong_to_its_class(street, world) -> None:
    with pytest.raises(DomainError) as err:
        venue_register(
            actor=world.inspector,
            name="某网吧",
            venue_class="crowded",
            kind="小网吧",
            street=street,
            responsible_person="钱七",
        )
    assert err.value.code == "hazard.venue_kind"


def test_three_lists_export(login, street, world) -> None:
    _hazard(world.inspector, street)
    response = login(world.inspector).get("/supervision/hazards/", {"format": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("场所", "属地", "隐患问题", "整改措施", "整改责任人")
    assert rows[1][2] == "后门安全出口被杂物堵塞"


def test_self_inspection_is_signed_by_the_person_in_charge(make_user, street, world) -> None:
    clerk = make_user("xsz2", Role.UNIT, department=street)
    venue = venue_register(
        actor=clerk,
        name="小超市",
        venue_class="nine_small",
        kind="小商店",
        street=street,
        responsible_person="周八",
    )
    known = {"2-1", "5-4"}
    with pytest.raises(DomainError) as err:
        self_inspection_record(
            actor=clerk,
            venue=venue,
            inspected_on=date(2024, 2, 6),
            signed_by="别人",
            findings=[],
            known_ids=known,
        )
    assert err.value.code == "hazard.self_sign"
    record = self_inspection_record(
        actor=clerk,
        venue=venue,
        inspected_on=date(2024, 2, 6),
        signed_by="周八",
        findings=["5-4"],
        known_ids=known,
        note="取暖器已停用",
    )
    assert record.findings == ["5-4"]
    other = make_user("nj2", Role.UNIT, department=Department.objects.get(name="南街街道"))
    with pytest.raises(DomainError):
        self_inspection_record(
            actor=other,
            venue=venue,
            inspected_on=date(2024, 2, 7),
            signed_by="周八",
            findings=[],
            known_ids=known,
        )


def test_self_inspection_page_records_for_own_street_only(login, make_user, street, world) -> None:
    clerk = make_user("xsz3", Role.UNIT, department=street)
    venue = venue_register(
        actor=clerk,
        name="小旅店甲",
        venue_class="nine_small",
        kind="小旅店",
        street=street,
        responsible_person="吴九",
    )
    client = login(clerk)
    response = client.post(
        "/supervision/hazards/self-inspection/",
        {
            "venue": venue.pk,
            "inspected_on": "2024-02-06",
            "signed_by": "吴九",
            "findings": ["2-3"],
            "note": "指示标志损坏",
        },
    )
    assert response.status_code == 302
    assert venue.self_inspections.get().findings == ["2-3"]
    other = make_user("nj3", Role.UNIT, department=Department.objects.get(name="南街街道"))
    page = login(other).get("/supervision/hazards/self-inspection/")
    assert list(page.context["venues"]) == []
    assert list(page.context["records"]) == []
