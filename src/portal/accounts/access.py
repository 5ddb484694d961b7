"""Object-level access: a unit's users see their own unit's records; oversight roles see all."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role

# Roles that oversee every unit's records by default (a module may narrow this).
OVERSIGHT_ROLES = (Role.ADMIN, Role.AUDITOR, Role.INSPECTORATE, Role.FINANCE_OFFICE)


def sees_all_units(user: User | AnonymousUser, *, oversight: tuple[Role, ...] = OVERSIGHT_ROLES) -> bool:
    return has_role(user, *oversight)


def can_access_unit(
    user: User | AnonymousUser,
    department: Department | int | None,
    *,
    oversight: tuple[Role, ...] = OVERSIGHT_ROLES,
) -> bool:
    """Whether ``user`` may see a record owned by ``department``."""
    if not user.is_authenticated:
        return False
    if sees_all_units(user, oversight=oversight):
        return True
    if department is None or not isinstance(user, User) or user.department_id is None:
        return False
    wanted = department if isinstance(department, int) else department.pk
    return user.department_id == wanted


def require_unit_access(
    user: User | AnonymousUser,
    department: Department | int | None,
    *,
    oversight: tuple[Role, ...] = OVERSIGHT_ROLES,
) -> None:
    """Raise PermissionDenied (403) unless :func:`can_access_unit` allows it."""
    if not can_access_unit(user, department, oversight=oversight):
        raise PermissionDenied("无权查看其他单位的记录")
