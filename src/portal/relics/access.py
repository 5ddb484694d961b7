"""Who may do what in the census: census teams (own town/street), experts, the 文物局, the public."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from portal.accounts.models import Department, User
from portal.accounts.roles import Role, has_role, is_read_only

# The unit acting as 文物局 (the 区文旅局 in units.toml). Its Role.UNIT users run the register.
BUREAU_CODE = "wlj"
# Experts verify new finds and review quality issues.
EXPERT_ROLES = (Role.RELICS_EXPERT, Role.ADMIN)
CENSUS_KINDS = (Department.Kind.TOWN, Department.Kind.STREET)


def is_bureau(user: User | AnonymousUser) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return (
        isinstance(user, User)
        and has_role(user, Role.UNIT)
        and user.department is not None
        and user.department.code == BUREAU_CODE
    )


def is_expert(user: User | AnonymousUser) -> bool:
    return has_role(user, *EXPERT_ROLES)


def census_area(user: User | AnonymousUser) -> Department | None:
    """The town or street whose records a census-team user works on; None for anyone else."""
    if (
        isinstance(user, User)
        and has_role(user, Role.UNIT)
        and user.department is not None
        and user.department.kind in CENSUS_KINDS
    ):
        return user.department
    return None


def sees_all(user: User | AnonymousUser) -> bool:
    return is_bureau(user) or is_expert(user) or has_role(user, Role.AUDITOR)


def may_use(user: User | AnonymousUser) -> bool:
    return sees_all(user) or census_area(user) is not None


def require_use(user: User | AnonymousUser) -> None:
    """Refuse anyone who takes no part in the census (the pages' entry check)."""
    if not may_use(user):
        raise PermissionDenied("您的角色无权使用文物普查")


def visible(user: User | AnonymousUser, queryset: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    """Filter relics (or anything with a ``relic`` / ``department`` path) to what the user may see."""
    if sees_all(user):
        return queryset
    area = census_area(user)
    if area is None:
        return queryset.none()
    field = "department" if queryset.model.__name__ == "Relic" else "relic__department"
    return queryset.filter(**{field: area})


def may_edit(user: User | AnonymousUser, department_id: int) -> bool:
    if is_read_only(user) or not user.is_authenticated:
        return False
    if is_bureau(user):
        return True
    area = census_area(user)
    return area is not None and area.pk == department_id


def require_edit(user: User | AnonymousUser, department_id: int) -> None:
    if not may_edit(user, department_id):
        raise PermissionDenied("无权修改其他镇(街道)的普查记录")


def require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)
