"""Roles are Django groups named in Chinese; code refers to them through :class:`Role`."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import User


class Role(StrEnum):
    """Each value is the group's name, which is what an administrator sees."""

    ENTERPRISE = "企业用户"
    BANK = "银行用户"
    UNIT = "部门及镇街用户"
    HQ_OFFICE = "指挥部办公室"
    COMMANDER = "指挥长"
    INSPECTORATE = "督查室"
    FINANCE_OFFICE = "金融办"
    AUDITOR = "审计(只读)"
    RELICS_EXPERT = "文物专家"  # verifies new finds in the census (城政发〔2024〕3号)
    ADMIN = "系统管理员"


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user has; a superuser has the administrator role whatever its groups."""
    if not user.is_authenticated:
        return frozenset()
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def has_role(user: User | AnonymousUser, *wanted: Role) -> bool:
    return bool(roles_of(user) & set(wanted))


def is_read_only(user: User | AnonymousUser) -> bool:
    """Auditors read everything and change nothing, unless they also hold a writing role."""
    roles = roles_of(user)
    return Role.AUDITOR in roles and not (roles - {Role.AUDITOR})
