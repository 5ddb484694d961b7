"""Who may see and do what in the fund (issue 6 §1).

The operator (承办主体) has no role of its own: it is the unit with code ``OPERATOR_CODE`` (kind
``other``), and its users act as the operator whatever their role. 金融办 (Role.FINANCE_OFFICE)
supervises and sees everything; the auditor sees everything and changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only
from portal.fund.models import Application

OPERATOR_CODE = "fund-operator"
OPERATOR_NAME = "应急周转资金承办主体"

VIEW_ROLES = (Role.ENTERPRISE, Role.BANK, Role.UNIT, Role.FINANCE_OFFICE, Role.AUDITOR, Role.ADMIN)

AnyUser = User | AnonymousUser


def operator_unit() -> Department | None:
    return Department.objects.filter(code=OPERATOR_CODE).first()


def is_operator(user: AnyUser) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if has_role(user, Role.ADMIN):
        return True
    return (
        user.department_id is not None
        and Department.objects.filter(pk=user.department_id, code=OPERATOR_CODE).exists()
    )


def is_finance_office(user: AnyUser) -> bool:
    return has_role(user, Role.FINANCE_OFFICE, Role.ADMIN)


def sees_all(user: AnyUser) -> bool:
    return is_operator(user) or has_role(user, Role.FINANCE_OFFICE, Role.AUDITOR, Role.ADMIN)


def _unit_of_kind(user: AnyUser, role: Role, kind: str) -> Department | None:
    if not isinstance(user, User) or not has_role(user, role) or user.department is None:
        return None
    return user.department if user.department.kind == kind else None


def enterprise_of(user: AnyUser) -> Department | None:
    return _unit_of_kind(user, Role.ENTERPRISE, "enterprise")


def bank_of(user: AnyUser) -> Department | None:
    return _unit_of_kind(user, Role.BANK, "bank")


def applications_visible(user: AnyUser) -> QuerySet[Application]:
    """Applications ``user`` may read: all for oversight, own enterprise's or own bank's, else none."""
    base = Application.objects.select_related("enterprise", "bank")
    if not user.is_authenticated:
        return base.none()
    if sees_all(user):
        return base
    wanted = Q()
    enterprise, bank = enterprise_of(user), bank_of(user)
    if enterprise is not None:
        wanted |= Q(enterprise=enterprise)
    if bank is not None:
        # a bank sees an application once it has been sent to it, not the enterprise's drafts
        wanted |= Q(bank=bank) & ~Q(state="draft")
    if not wanted:
        return base.none()
    return base.filter(wanted)


def can_see_ledger(user: AnyUser) -> bool:
    return sees_all(user)


def ensure_writer(user: AnyUser) -> User:
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    if is_read_only(user):
        raise PermissionDenied("审计用户只能查看, 不能修改")
    return user


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_read_only_user(user: AnyUser) -> bool:
    return is_read_only(user)


def has_any_view_role(user: AnyUser) -> bool:
    return has_role(user, *VIEW_ROLES) or is_operator(user)
