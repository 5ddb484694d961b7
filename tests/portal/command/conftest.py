"""Fixtures of the command module's Django tests: the roster loaded, users of each role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from portal.accounts.models import Department, User
from portal.accounts.roles import Role
from portal.command.loading import roster_load
from portal.command.models import Incident
from portal.command.services import incident_register
from portal.core.loading import load_units


@pytest.fixture
def roster(db) -> int:
    load_units()
    return roster_load()


@pytest.fixture
def office(make_user, unit) -> User:
    return make_user("duty", Role.HQ_OFFICE, department=unit())


@pytest.fixture
def town(unit) -> Department:
    return unit("bsdz", "北石店镇", "town")


@pytest.fixture
def other_town(unit) -> Department:
    return unit("xszjd", "西上庄街道", "street")


@pytest.fixture
def register(roster, office) -> Callable[..., Incident]:
    def make(
        incident_type: str = "森林火灾", *, minutes_ago: int = 10, **extra: object
    ) -> Incident:
        occurred: datetime = timezone.now() - timedelta(minutes=minutes_ago)
        values: dict[str, object] = {"place": "北石店镇北山", "occurred_at": occurred, **extra}
        return incident_register(actor=office, incident_type=incident_type, **values)  # type: ignore[arg-type]

    return make
