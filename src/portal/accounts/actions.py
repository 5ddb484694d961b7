"""Audit actions of the accounts app."""

from __future__ import annotations

from portal.audit.actions import AuditAction


class AccountsAction(AuditAction):
    """What the accounts app records in the audit log."""

    DEPARTMENT_CREATE = "department.create", "新建部门"
    DEPARTMENT_UPDATE = "department.update", "修改部门"
    USER_CREATE = "user.create", "新建用户"
    POSITION_ASSIGN = "position.assign", "任命职位"
    USER_PASSWORD_CHANGE = "user.password_change", "修改密码"
