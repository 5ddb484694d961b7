"""Who may write in the command module: the HQ office, commanders and administrators."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from chengqu.common import DomainError
from portal.accounts.models import User
from portal.accounts.roles import Role, has_role, is_read_only

WRITE_ROLES = (Role.HQ_OFFICE, Role.COMMANDER, Role.ADMIN)


def may_write(user: User | AnonymousUser) -> bool:
    """A writer role, and not a read-only account (auditors never write)."""
    return has_role(user, *WRITE_ROLES) and not is_read_only(user)


def require_writer(user: User | None) -> None:
    """Only the HQ office, commanders and administrators record incidents; auditors never write."""
    if user is None:
        return  # the system itself (loaders, tests of the rules)
    if is_read_only(user) or not has_role(user, *WRITE_ROLES):
        raise DomainError("command.forbidden", "您的角色无权登记或修改应急事件", field=None)
