"""The command module's workbench tiles: open incidents and late reporting clocks, by visibility."""

from __future__ import annotations

from chengqu.common import clock
from portal.accounts.roles import Role
from portal.core.workbench import workbench


def _tiles(user) -> dict[str, int | None]:
    return {t.label: t.count for t in workbench(user, clock.today()) if t.module == "command"}


def test_the_duty_office_sees_open_incidents_and_late_clocks(register, office, town):
    register(
        "集中式饮用水水源地突发环境事件", minutes_ago=180, department=town
    )  # its 30-minute clocks are late
    tiles = _tiles(office)
    assert tiles["处置中的突发事件"] == 1
    assert tiles["已超时的报告时限"] >= 1


def test_a_unit_sees_its_own_incidents_only(register, make_user, town, other_town):
    register("森林火灾", department=town)
    assert _tiles(make_user("town-clerk", Role.UNIT, department=town))["处置中的突发事件"] == 1
    assert _tiles(make_user("street-clerk", Role.UNIT, department=other_town)) == {}
