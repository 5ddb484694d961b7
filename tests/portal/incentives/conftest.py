"""Fixtures for the incentives pages and services: the units and people of a claim's path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from portal.accounts.models import Department, User
from portal.accounts.roles import Role

CLAIM_DAY = date(2024, 7, 15)  # inside the claim period: January–June facts are complete


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def claim_day(monkeypatch) -> date:
    """Claims are evaluated at the district's today (clock.today); the tests run inside the 2024
    claim period."""
    monkeypatch.setattr("chengqu.common.clock.today", lambda: CLAIM_DAY)
    return CLAIM_DAY


class People:
    def __init__(self, unit: Callable[..., Department], make_user: Callable[..., User]) -> None:
        self.acme = unit("acme", "城区甲演艺有限公司", "enterprise")
        self.beta = unit("beta", "城区乙商贸有限公司", "enterprise")
        self.tourism = unit("wlj", "区文化和旅游局", "organ")
        self.commerce = unit("swj", "区商务局", "organ")
        self.government = unit("qzf", "区人民政府办公室", "government")
        self.acme_user = make_user("acme-user", Role.ENTERPRISE, department=self.acme)
        self.beta_user = make_user("beta-user", Role.ENTERPRISE, department=self.beta)
        self.tourism_user = make_user("wlj-user", Role.UNIT, department=self.tourism)
        self.commerce_user = make_user("swj-user", Role.UNIT, department=self.commerce)
        self.government_user = make_user("qzf-user", Role.UNIT, department=self.government)
        self.finance = make_user("jrb-user", Role.FINANCE_OFFICE)
        self.inspector = make_user("dcs-user", Role.INSPECTORATE)
        self.auditor = make_user("sj-user", Role.AUDITOR)
        self.admin = make_user("admin-user", Role.ADMIN)
        self.bank = make_user("bank-user", Role.BANK)


@pytest.fixture
def people(unit, make_user) -> People:
    return People(unit, make_user)
