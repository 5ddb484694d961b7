"""Object-level access: a unit's users see their own unit's records; oversight roles see all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role

ViewFunc = Callable[..., HttpResponse]

# Roles that oversee every unit's records by default (a module may narrow this).
OVERSIGHT_ROLES = (Role.ADMIN, Role.AUDITOR, Role.INSPECTORATE, Role.FINANCE_OFFICE)


def sees_all_units(
    user: User | AnonymousUser, *, oversight: tuple[Role, ...] = OVERSIGHT_ROLES
) -> bool:
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


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page, users without a role get 403."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
