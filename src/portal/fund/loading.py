"""Bundled data of the fund: the operator (承办主体) unit and the fund size of 第七条."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chengqu.fund import fund_rules
from portal.accounts.services import department_upsert
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot
from portal.fund.access import OPERATOR_CODE, OPERATOR_NAME
from portal.fund.models import FundDecision


def load_operator() -> int:
    """The 承办主体 as a unit of kind 'other' (there is no operator role; its users act for it)."""
    _, changed = department_upsert(
        code=OPERATOR_CODE, name=OPERATOR_NAME, kind="other", short_name="承办主体"
    )
    return int(changed)


def load_fund_size() -> int:
    """The provisional size 8000万元 as the first recorded decision; later decisions are the 区政府's."""
    rules = fund_rules()
    with transaction.atomic():
        if FundDecision.objects.exists():
            return 0
        decision = FundDecision.objects.create(
            size=rules.fund_size,
            decided_on=date(2024, 3, 6),
            basis=f"{rules.document} 第七条: 筹集规模暂定为8000万元",
        )
        audit_record(actor=None, action="fund.size.decide", obj=decision, after=snapshot(decision))
    return 1


LOADERS = [
    ("fund_operator", "应急周转资金承办主体", load_operator),
    ("fund_size", "应急周转资金筹集规模", load_fund_size),
]
