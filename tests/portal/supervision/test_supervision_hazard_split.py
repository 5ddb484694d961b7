"""A hazard needing several measures or units is split into parts, each with its own three lists,
deadline and loop; the hazard closes only when every part is closed (整改一处、销案一处)."""

from __future__ import annotations

from datetime import date

import pytest

from chengqu.common import DomainError
from portal.accounts.models import Department
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.supervision.models import Hazard, LoopItem
from portal.supervision.services import hazard_report, hazard_split, loop_act, venue_register


@pytest.fixture
def street(world) -> Department:
    return Department.objects.get(name="西上庄街道")


@pytest.fixture
def hazard(world, street) -> Hazard:
    venue = venue_register(
        actor=world.inspector,
        name="鑫源综合市场",
        venue_class="mixed_use",
        kind="多业态多功能经营场所",
        street=street,
        responsible_person="赵六",
    )
    return hazard_report(
        actor=world.inspector,
        venue=venue,
        check_id="2-1",
        check_text="占用疏散通道",
        clause="para_3__subpara_2__item_1",
        inspector_kind="town",
        problem="疏散通道堵塞且电动车室内充电",
        measure="清理通道; 建设集中充电区",
        responsible_person="赵六",
        deadline=date(2099, 6, 30),
        major=True,
    )


def test_split_parts_have_their_own_three_lists_and_the_parent_closes_with_the_last(
    login, make_user, world, street, hazard
) -> None:
    street_user = make_user("xsz", Role.UNIT, department=street)
    market = Department.objects.get(name="区财政局")  # any other responsible unit
    first = hazard_split(
        actor=street_user,
        item=hazard.item,
        unit=street,
        measure="清理疏散通道杂物",
        responsible_person="赵六",
        deadline=date(2099, 3, 31),
    )
    second = hazard_split(
        actor=world.inspector,
        item=hazard.item,
        unit=market,
        measure="建设电动车集中充电区",
        responsible_person="钱七",
        deadline=date(2099, 6, 30),
        problem="电动车室内充电",
    )
    assert (first.item.number, second.item.number) == ("2-1-1", "2-1-2")
    assert (second.measure, second.responsible_person, second.item.due) == (
        "建设电动车集中充电区",
        "钱七",
        date(2099, 6, 30),
    )
    assert (second.item.unit, second.item.text, second.venue) == (
        market,
        "电动车室内充电",
        hazard.venue,
    )
    assert second.major  # 挂牌督办 carries over
    assert second.item.escalation == 1
    assert second.item.co_units.filter(pk=street.pk).exists()  # the street keeps sight of it
    assert AuditEntry.objects.filter(action="supervision.hazard.split").count() == 2
    parent = hazard.item
    # closing the parent while parts are open: refused
    with pytest.raises(DomainError) as err:
        loop_act(actor=street_user, item=parent, action="submit", evidence="整改照片")
    assert err.value.code == "loop.open_children"
    # part one: fixed by the street, re-inspected by the inspectorate; the parent stays open
    loop_act(actor=street_user, item=first.item, action="submit", evidence="通道已清理")
    loop_act(actor=world.inspector, item=first.item, action="pass")
    parent.refresh_from_db()
    assert parent.state != LoopItem.State.CLOSED
    # part two: the fixer may not re-inspect its own work
    fixer = make_user("fixer", Role.UNIT, Role.INSPECTORATE, department=market)
    loop_act(actor=fixer, item=second.item, action="submit", evidence="充电区已建成")
    with pytest.raises(DomainError) as err:
        loop_act(actor=fixer, item=second.item, action="pass")
    assert err.value.code == "loop.self_verify"
    loop_act(actor=world.inspector, item=second.item, action="pass", on=date(2099, 5, 2))
    parent.refresh_from_db()
    assert (parent.state, parent.closed_on) == (LoopItem.State.CLOSED, date(2099, 5, 2))
    assert parent.events.filter(action="children_closed").exists()
    page = login(world.inspector).get(f"/supervision/item/{parent.pk}/").content.decode()
    assert "分项全部销案" in page
    assert "2-1-2" in page


def test_split_refusals(make_user, world, street, hazard) -> None:
    other_street = make_user("dj", Role.UNIT, department=Department.objects.get(name="东街街道"))

    def refused(code: str, **kw) -> None:
        args = {
            "actor": world.inspector,
            "item": hazard.item,
            "unit": street,
            "measure": "清理",
            "responsible_person": "赵六",
            "deadline": date(2099, 3, 1),
            **kw,
        }
        with pytest.raises(DomainError) as err:
            hazard_split(**args)
        assert err.value.code == code

    refused("supervision.not_your_unit", actor=other_street)
    refused("supervision.read_only", actor=world.auditor)
    refused("hazard.split_due", deadline=date(2099, 7, 1))  # later than the hazard's own deadline
    refused("hazard.three_lists", measure=" ")
    refused("hazard.three_lists", responsible_person="")
    refused("hazard.split_kind", item=world.task("二、(二)1"))
    loop_act(
        actor=make_user("xsz", Role.UNIT, department=street),
        item=hazard.item,
        action="submit",
        evidence="已整改",
    )
    refused("hazard.split_submitted")
    assert not LoopItem.objects.filter(parent=hazard.item).exists()


def test_split_through_the_page(login, make_user, world, street, hazard) -> None:
    client = login(make_user("xsz", Role.UNIT, department=street))
    page = client.get(f"/supervision/item/{hazard.item.pk}/")
    assert "拆分为分项隐患" in page.content.decode()
    client.post(
        f"/supervision/item/{hazard.item.pk}/act/",
        {
            "action": "split",
            "unit": street.pk,
            "measure": "清理疏散通道",
            "responsible_person": "赵六",
            "due": "2099-03-31",
            "text": "",
        },
    )
    (part,) = Hazard.objects.filter(item__parent=hazard.item)
    assert (part.measure, part.item.due) == ("清理疏散通道", date(2099, 3, 31))
    page = client.post(
        f"/supervision/item/{hazard.item.pk}/act/",
        {"action": "submit", "evidence": "照片"},
        follow=True,
    ).content.decode()
    assert "还有1项分项未办结(销案)" in page
