"""Fixtures for the supervision pages and services: the bundled task lists imported, and users."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from portal.accounts.models import Department, User
from portal.accounts.roles import Role
from portal.supervision.loading import load_tasks
from portal.supervision.models import LoopItem


@dataclass
class World:
    finance: Department
    commerce: Department
    finance_user: User
    commerce_user: User
    inspector: User
    auditor: User

    def task(self, number: str) -> LoopItem:
        return LoopItem.objects.get(source="城政办发〔2024〕9号", number=number)


@pytest.fixture
def world(db, make_user: Callable[..., User]) -> World:
    assert load_tasks() > 0
    finance = Department.objects.get(name="区财政局")
    commerce = Department.objects.get(name="区商务局")
    return World(
        finance=finance,
        commerce=commerce,
        finance_user=make_user("czj", Role.UNIT, department=finance),
        commerce_user=make_user("swj", Role.UNIT, department=commerce),
        inspector=make_user("dcs", Role.INSPECTORATE),
        auditor=make_user("sj", Role.AUDITOR),
    )
