"""One entry point for every step of an application, shared by the pages and the API.

``ACTIONS`` names each step, who takes it (for showing the right forms) and its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.fund import access, services
from portal.fund.models import Application, State


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    label: str
    party: str  # enterprise, bank, operator, supervisor
    states: tuple[str, ...]
    fields: tuple[str, ...]
    clause: str = ""


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("submit", "报送合作银行", "enterprise", (State.DRAFT,), ("day",)),
        Action(
            "withdraw",
            "撤回申请",
            "enterprise",
            (State.DRAFT, State.SUBMITTED, State.SIGNED),
            ("reason",),
        ),
        Action(
            "sign",
            "银行签署意见",
            "bank",
            (State.SUBMITTED,),
            ("signed_on", "opinion", "renewal_amount", "documents"),
            "art_15",
        ),
        Action(
            "reject",
            "不予通过",
            "bank_or_operator",
            (State.SUBMITTED, State.SIGNED, State.APPROVED),
            ("reason",),
        ),
        Action(
            "review",
            "承办主体审核通过",
            "operator",
            (State.SIGNED,),
            ("day", "facts", "documents", "approved_amount", "planned_repayment"),
            "art_16",
        ),
        Action(
            "contract",
            "签订三方协议及借款合同",
            "operator",
            (State.APPROVED,),
            ("signed_on",),
            "art_16",
        ),
        Action("disburse", "放款", "operator", (State.CONTRACTED,), ("day",), "art_7"),
        Action("renew", "登记续贷", "bank", (State.DISBURSED,), ("renewed_on", "amount"), "art_17"),
        Action(
            "repay",
            "登记归还本金及占用费",
            "operator",
            (State.DISBURSED, State.RENEWED, State.RECALLED, State.BANK_LIABLE),
            ("repaid_on",),
            "art_10",
        ),
        Action(
            "recall",
            "改变用途, 提前收回",
            "supervisor",
            (State.DISBURSED, State.RENEWED),
            ("found", "note"),
            "art_23",
        ),
        Action(
            "bank_liable",
            "认定由合作银行承担归还责任",
            "operator",
            (State.DISBURSED, State.RENEWED),
            ("on",),
            "art_24",
        ),
        Action("archive", "归档", "operator", (State.REPAID,), ()),
    )
}


def may_take(user: User, app: Application, action: Action) -> bool:
    """Whether the page should offer ``action`` to ``user`` (the service decides for real)."""
    if app.state not in action.states or access.is_read_only_user(user):
        return False
    if action.party == "enterprise":
        unit = access.enterprise_of(user)
        return unit is not None and unit.pk == app.enterprise_id
    bank = access.bank_of(user)
    is_bank = bank is not None and bank.pk == app.bank_id
    if action.party == "bank":
        return is_bank
    if action.party == "bank_or_operator":
        return is_bank if app.state == State.SUBMITTED else access.is_operator(user)
    if action.party == "supervisor":
        return access.is_operator(user) or access.is_finance_office(user)
    return access.is_operator(user)


def _date(data: Mapping[str, Any], name: str) -> date:
    value = data.get(name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise DomainError("fund.date", "日期格式应为 YYYY-MM-DD", field=name) from None


def _opt_date(data: Mapping[str, Any], name: str) -> date | None:
    return _date(data, name) if data.get(name) not in (None, "") else None


def perform(
    *, actor: User, application: Application, action: str, data: Mapping[str, Any]
) -> Application:
    """Run the step ``action`` with ``data`` (strings or typed values)."""
    calls: dict[str, Callable[[], Application]] = {
        "submit": lambda: services.application_submit(
            actor=actor, application=application, day=_date(data, "day")
        ),
        "withdraw": lambda: services.application_withdraw(
            actor=actor, application=application, reason=str(data.get("reason") or "")
        ),
        "sign": lambda: services.application_sign(
            actor=actor,
            application=application,
            signed_on=_date(data, "signed_on"),
            opinion=str(data.get("opinion") or ""),
            renewal_amount=data.get("renewal_amount") or "",
            documents=list(data.get("documents") or []),
        ),
        "reject": lambda: services.application_reject(
            actor=actor, application=application, reason=str(data.get("reason") or "")
        ),
        "review": lambda: services.application_review(
            actor=actor,
            application=application,
            day=_date(data, "day"),
            facts=dict(data.get("facts") or {}),
            documents=list(data.get("documents") or []),
            approved_amount=data.get("approved_amount") or None,
            planned_repayment=_opt_date(data, "planned_repayment"),
        ),
        "contract": lambda: services.application_contract(
            actor=actor, application=application, signed_on=_date(data, "signed_on")
        ),
        "disburse": lambda: services.application_disburse(
            actor=actor, application=application, day=_date(data, "day")
        ),
        "renew": lambda: services.application_renew(
            actor=actor,
            application=application,
            renewed_on=_date(data, "renewed_on"),
            amount=data.get("amount") or "",
        ),
        "repay": lambda: services.application_repay(
            actor=actor, application=application, repaid_on=_date(data, "repaid_on")
        ),
        "recall": lambda: services.application_recall(
            actor=actor,
            application=application,
            found=_date(data, "found"),
            note=str(data.get("note") or ""),
        ),
        "bank_liable": lambda: services.application_bank_liable(
            actor=actor, application=application, on=_date(data, "on")
        ),
        "archive": lambda: services.application_archive(actor=actor, application=application),
    }
    if action not in calls:
        raise DomainError("fund.action", f"未知的操作: {action}", field="action")
    return calls[action]()
