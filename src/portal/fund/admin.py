"""Admin: applications and the exclusion list are viewable; the ledger is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.audit.admin_mixins import AuditedAdmin
from portal.fund.models import Application, Exclusion, FundDecision, LedgerTransaction


class ReadOnlyAdmin(AuditedAdmin[Any]):
    """Changes go through the services (workflow and postings), never through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "enterprise", "bank", "requested", "maturity", "state")
    list_filter = ("state", "bank")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "day", "kind", "key", "memo", "sealed")
    list_filter = ("kind",)
    search_fields = ("key", "memo")


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "reason", "clause", "since", "lifted_on")


@admin.register(FundDecision)
class FundDecisionAdmin(ReadOnlyAdmin):
    list_display = ("size", "decided_on", "basis")
