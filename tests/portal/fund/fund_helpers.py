"""Helpers of the fund tests: facts, documents and an application driven along the main path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from chengqu.fund import EntityKind, Stage, document_checklist
from chengqu.fund.eligibility import FACT_NAMES
from portal.fund import services

MATURITY = date(2024, 10, 14)  # latest sign-off 2024-09-25


def all_facts() -> dict[str, bool]:
    excluded = {
        "on_closure_or_obsolete_capacity_list",
        "defaulted_on_repayment",
        "owes_fees",
        "misused_funds",
    }
    return {name: name not in excluded for name in FACT_NAMES}


def docs(stage: Stage) -> list[str]:
    return [item.key for item in document_checklist(stage, EntityKind.ENTERPRISE) if item.required]


def new_app(f: SimpleNamespace, **over: Any):
    data: dict[str, Any] = {
        "bank": f.bank,
        "maturing_amount": Decimal("5000000"),
        "maturity": MATURITY,
        "requested": Decimal("5000000"),
        "industry": "制造业",
        "purpose": "归还到期流动资金贷款",
    }
    data.update(over)
    user = data.pop("user", f.ent_user)
    return services.application_create(actor=user, data=data)


def drive(f: SimpleNamespace, to: str, **over: Any):
    """An application taken through the main path up to state ``to``."""
    app = new_app(f, **over)
    steps = [
        "submitted",
        "signed",
        "approved",
        "contracted",
        "disbursed",
        "renewed",
        "repaid",
        "archived",
    ]
    for step in steps[: steps.index(to) + 1]:
        if step == "submitted":
            app = services.application_submit(
                actor=f.ent_user, application=app, day=date(2024, 9, 18)
            )
        elif step == "signed":
            app = services.application_sign(
                actor=f.bank_user,
                application=app,
                signed_on=date(2024, 9, 20),
                opinion="同意续贷",
                renewal_amount=app.requested,
                documents=docs(Stage.APPLICATION),
            )
        elif step == "approved":
            app = services.application_review(
                actor=f.operator,
                application=app,
                day=date(2024, 9, 26),
                facts=all_facts(),
                documents=docs(Stage.REVIEW),
                planned_repayment=date(2024, 10, 18),
            )
        elif step == "contracted":
            app = services.application_contract(
                actor=f.operator, application=app, signed_on=date(2024, 9, 27)
            )
        elif step == "disbursed":
            app = services.application_disburse(
                actor=f.operator, application=app, day=date(2024, 10, 8)
            )
        elif step == "renewed":
            app = services.application_renew(
                actor=f.bank_user,
                application=app,
                renewed_on=date(2024, 10, 10),
                amount=app.principal,
            )
        elif step == "repaid":
            app = services.application_repay(
                actor=f.operator, application=app, repaid_on=date(2024, 10, 18)
            )
        elif step == "archived":
            app = services.application_archive(actor=f.operator, application=app)
    return app
