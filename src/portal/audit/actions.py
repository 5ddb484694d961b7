"""Audit actions: one enumeration per app, collected in one registry.

Every entry of the audit log names its action with a member of an app's enumeration, never a
bare string, so the set of things the platform records is written down, each with the Chinese
label the audit page shows. An app declares its actions in ``portal/<app>/actions.py``::

    class FundAction(AuditAction):
        APPLICATION_CREATE = "fund.application.create", "新建申请"

The value (``fund.application.create``) is what is stored and chained; it never changes for an
existing action, since entries already sealed carry it.
"""

from __future__ import annotations

from functools import cache

from django.db import models

from portal.core.discovery import app_submodules


class AuditAction(models.TextChoices):
    """The base of every app's audit actions (it has no members of its own)."""


class AuditChainAction(AuditAction):
    """What the platform records about the audit chain itself."""

    SEAL = "audit.seal", "审计链封存(补写密钥校验码)"
    RESTORE = "audit.restore", "从备份恢复数据库"


class AdminAction(AuditAction):
    """An edit in the administration site; the record's model is in the entry's object type.

    Entries written before December 2026 name the model in the action
    (``admin.department.update``); :func:`label` reads both.
    """

    CREATE = "admin.create", "后台新建"
    UPDATE = "admin.update", "后台修改"
    DELETE = "admin.delete", "后台删除"


@cache
def registry() -> dict[str, AuditAction]:
    """Every action of every installed app, by its stored value.

    Raises ``ImproperlyConfigured``-like ``RuntimeError`` when two apps declare one value.
    """
    found: dict[str, AuditAction] = {}
    app_submodules("actions")
    for enumeration in _subclasses(AuditAction):
        for member in enumeration:
            if member.value in found and found[member.value] is not member:
                raise RuntimeError(f"audit action {member.value} is declared twice")
            found[member.value] = member
    return found


def label(value: str) -> str:
    """The Chinese label of a stored action, or the value itself for one no app declares."""
    member = registry().get(value)
    if member is None and value.startswith("admin.") and value.count(".") == 2:
        member = registry().get("admin." + value.rsplit(".", 1)[1])  # the older admin form
    return str(member.label) if member is not None else value


def _subclasses(cls: type[AuditAction]) -> list[type[AuditAction]]:
    out: list[type[AuditAction]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out
