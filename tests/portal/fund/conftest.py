"""Fixtures of the fund: the operator, an enterprise, two banks, their users and a funded ledger."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from portal.accounts.roles import Role
from portal.fund import services
from portal.fund.loading import load_operator


@pytest.fixture
def fund(db, unit, make_user) -> SimpleNamespace:
    load_operator()
    from portal.accounts.models import Department
    from portal.fund.access import OPERATOR_CODE

    operator_unit = Department.objects.get(code=OPERATOR_CODE)
    ent = unit("qy-a", "晋城甲企业有限公司", "enterprise")
    ent2 = unit("qy-b", "晋城乙商贸有限公司", "enterprise")
    bank = unit("yh-a", "甲银行城区支行", "bank")
    bank2 = unit("yh-b", "乙银行城区支行", "bank")
    ns = SimpleNamespace(
        enterprise=ent,
        enterprise2=ent2,
        bank=bank,
        bank2=bank2,
        operator_unit=operator_unit,
        ent_user=make_user("ent-a", Role.ENTERPRISE, department=ent),
        ent2_user=make_user("ent-b", Role.ENTERPRISE, department=ent2),
        bank_user=make_user("bank-a", Role.BANK, department=bank),
        bank2_user=make_user("bank-b", Role.BANK, department=bank2),
        operator=make_user("op", Role.UNIT, department=operator_unit),
        finance=make_user("jrb", Role.FINANCE_OFFICE),
        auditor=make_user("sj", Role.AUDITOR),
        other_unit=make_user("other", Role.UNIT, department=unit("yjglj", "区应急管理局", "organ")),
    )
    return ns


@pytest.fixture
def funded(fund) -> SimpleNamespace:
    services.capital_pay_in(
        actor=fund.finance, amount="10000000", day=date(2024, 4, 10), key="2024-1"
    )
    return fund
