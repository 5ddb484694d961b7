"""Admin edits are writes too: they go into the audit log like any service's."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from portal.accounts.models import User
from portal.audit.actions import AdminAction
from portal.audit.services import audit_record
from portal.audit.snapshots import snapshot

M = TypeVar("M", bound=models.Model)


class AuditedAdmin(admin.ModelAdmin[M], Generic[M]):
    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                original = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = snapshot(original) if original is not None else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=actor,
                action=AdminAction.UPDATE if change else AdminAction.CREATE,
                obj=obj,
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        actor = request.user if isinstance(request.user, User) else None
        with transaction.atomic():
            before = snapshot(obj)
            audit_record(actor=actor, action=AdminAction.DELETE, obj=obj, before=before)
            super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin[M], Generic[M]):
    """For records only services may write (ledgers, registries, logs): the admin shows, never edits."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
