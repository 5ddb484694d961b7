"""Who may do what in the incentives module (decided here once; pages, API and services ask).

- Batch (免申即享): lead units run it — 金融办 (the 民营经济局/金融办 that coordinates enterprise
  policy), 部门及镇街用户 (a lead unit such as 区商务局) and administrators. 督查室 and 审计 read every
  batch; a unit user reads only the batches its own unit ran. Publishing the list: 金融办, admin.
- Claims: an enterprise user (企业用户 of an enterprise unit) applies for its own unit only; the
  measure's lead unit (a 部门及镇街用户 whose unit is named as the measure's lead unit), 金融办 or an
  administrator reviews; the 区政府 (a 部门及镇街用户 of a unit of kind 区政府及办公室) or an
  administrator approves, never the person who reviewed; 金融办 or an administrator records the
  payment (兑现). Enterprises see only their own claims; lead units see the claims of their measures;
  区政府, 金融办, 督查室, 审计 and administrators see all.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only

BATCH_RUN_ROLES = (Role.FINANCE_OFFICE, Role.UNIT, Role.ADMIN)
BATCH_READ_ROLES = (*BATCH_RUN_ROLES, Role.INSPECTORATE, Role.AUDITOR)
BATCH_ALL_UNITS_ROLES = (Role.FINANCE_OFFICE, Role.ADMIN, Role.INSPECTORATE, Role.AUDITOR)
BATCH_PUBLISH_ROLES = (Role.FINANCE_OFFICE, Role.ADMIN)

CLAIM_READ_ROLES = (
    Role.ENTERPRISE,
    Role.UNIT,
    Role.FINANCE_OFFICE,
    Role.INSPECTORATE,
    Role.AUDITOR,
    Role.ADMIN,
)
CLAIM_ALL_ROLES = (Role.FINANCE_OFFICE, Role.INSPECTORATE, Role.AUDITOR, Role.ADMIN)
LEDGER_ROLES = (Role.UNIT, Role.FINANCE_OFFICE, Role.INSPECTORATE, Role.AUDITOR, Role.ADMIN)

AnyUser = User | AnonymousUser


def _department(user: AnyUser) -> Department | None:
    return user.department if isinstance(user, User) else None


def can_run_batch(user: AnyUser) -> bool:
    return has_role(user, *BATCH_RUN_ROLES) and not is_read_only(user)


def can_publish_batch(user: AnyUser) -> bool:
    return has_role(user, *BATCH_PUBLISH_ROLES) and not is_read_only(user)


def is_government(user: AnyUser) -> bool:
    """A user of the 区政府 (a unit of kind government) holding the unit role."""
    department = _department(user)
    return (
        department is not None
        and department.kind == Department.Kind.GOVERNMENT
        and has_role(user, Role.UNIT)
    )


def enterprise_of(user: AnyUser) -> Department | None:
    """The enterprise a user applies for: an 企业用户 of a unit of kind enterprise, else None."""
    department = _department(user)
    if department is None or department.kind != Department.Kind.ENTERPRISE:
        return None
    return department if has_role(user, Role.ENTERPRISE) else None


def sees_all_claims(user: AnyUser) -> bool:
    return has_role(user, *CLAIM_ALL_ROLES) or is_government(user)


def is_lead_unit_for(user: AnyUser, lead_unit: str) -> bool:
    department = _department(user)
    return department is not None and has_role(user, Role.UNIT) and department.name == lead_unit


def can_review(user: AnyUser, lead_unit: str) -> bool:
    if is_read_only(user):
        return False
    return has_role(user, Role.FINANCE_OFFICE, Role.ADMIN) or is_lead_unit_for(user, lead_unit)


def can_approve(user: AnyUser) -> bool:
    if is_read_only(user):
        return False
    return has_role(user, Role.ADMIN) or is_government(user)


def can_pay(user: AnyUser) -> bool:
    return has_role(user, Role.FINANCE_OFFICE, Role.ADMIN) and not is_read_only(user)


def can_see_ledger(user: AnyUser) -> bool:
    return has_role(user, *LEDGER_ROLES)
