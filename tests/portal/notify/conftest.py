"""Fixtures of the notification tests: the command roster loaded, users in units and posts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from portal.accounts.models import Department, Person, Position, User
from portal.accounts.roles import Role
from portal.accounts.services import position_assign
from portal.command.loading import roster_load
from portal.command.models import Headquarters, Seat
from portal.core.loading import load_units


@pytest.fixture
def roster(db) -> int:
    load_units()
    return roster_load()


@pytest.fixture
def forest(roster) -> Headquarters:
    return Headquarters.objects.select_related("office_host").get(key="forest_fire")


@pytest.fixture
def commander_post(forest) -> Position:
    seat = (
        Seat.objects.filter(hq=forest, role=Seat.Role.COMMANDER)
        .select_related("post__position")
        .order_by("order")
        .first()
    )
    assert seat is not None
    return seat.post.position


@pytest.fixture
def hold() -> Callable[[User, Position, date], None]:
    """Give ``position`` to the person behind ``user`` from ``start``."""

    def give(user: User, position: Position, start: date = date(2025, 1, 1)) -> None:
        person = Person.objects.filter(user=user).first() or Person.objects.create(
            name=user.username, user=user
        )
        position_assign(position=position, person=person, start=start)

    return give


@pytest.fixture
def office(make_user, forest) -> User:
    """A duty officer of the forest-fire HQ's office host unit (区应急管理局)."""
    return make_user("duty", Role.HQ_OFFICE, department=forest.office_host)


@pytest.fixture
def town(roster) -> Department:
    return Department.objects.get(code="bsdz")


@pytest.fixture
def stranger(make_user, town) -> User:
    return make_user("stranger", Role.UNIT, department=town)
