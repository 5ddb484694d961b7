"""The home page's workbench: each user sees what waits for them, never another unit's work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from chengqu.common import clock
from portal.accounts.roles import Role
from portal.core.workbench import workbench
from portal.supervision.models import LoopItem


def _task(unit, *, due: date, state: str = "accepted", text: str = "任务") -> LoopItem:
    return LoopItem.objects.create(
        kind=LoopItem.Kind.TASK,
        text=text,
        unit=unit,
        unit_name=unit.name,
        dispatched=due - timedelta(days=60),
        due=due,
        state=state,
    )


@pytest.fixture
def units(unit):
    return unit("czj", "区财政局"), unit("xszjd", "西上庄街道", "street")


@pytest.mark.django_db
def test_a_unit_user_sees_only_their_units_overdue_returned_and_due_soon_tasks(units, make_user):
    finance, street = units
    today = clock.today()
    _task(finance, due=today - timedelta(days=1))
    _task(finance, due=today + timedelta(days=200), state="returned")
    _task(finance, due=today + timedelta(days=1))
    _task(finance, due=today - timedelta(days=3), state="closed")  # done: nothing to do
    _task(street, due=today - timedelta(days=5))
    _task(street, due=today - timedelta(days=6))
    clerk = make_user("czj-clerk", Role.UNIT, department=finance)

    tiles = {t.label: t for t in workbench(clerk, today) if t.module == "supervision"}
    assert tiles["逾期任务"].count == 1
    assert tiles["逾期任务"].tone == "red"
    assert tiles["被退回的任务"].count == 1
    assert [t.count for label, t in tiles.items() if label.endswith("日内到期的任务")] == [1]

    street_clerk = make_user("xsz-clerk", Role.UNIT, department=street)
    street_tiles = {
        t.label: t.count for t in workbench(street_clerk, today) if t.module == "supervision"
    }
    assert street_tiles == {"逾期任务": 2}


@pytest.mark.django_db
def test_the_home_page_shows_the_workbench_to_a_signed_in_user_and_nothing_personal_to_others(
    units, make_user, login, client
):
    finance, _ = units
    _task(finance, due=clock.today() - timedelta(days=2), text="逾期的任务")
    clerk = make_user("czj-clerk", Role.UNIT, department=finance)

    anonymous = client.get(reverse("home")).content.decode()
    assert "我的工作台" not in anonymous
    assert "逾期任务" not in anonymous

    page = login(clerk).get(reverse("home")).content.decode()
    assert "我的工作台" in page
    assert "逾期任务" in page
    assert f"{reverse('supervision:index')}?overdue=1" in page


@pytest.mark.django_db
def test_a_user_with_nothing_waiting_is_told_so(units, make_user, login):
    _, street = units
    idle = make_user("idle", Role.UNIT, department=street)
    assert workbench(idle, clock.today()) == []
    assert "今天没有等待您处理的事项" in login(idle).get(reverse("home")).content.decode()
