"""Admin: applications and the exclusion list are viewable; the ledger is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from portal.audit.admin_mixins import ReadOnlyAdmin
from portal.fund.models import Application, Exclusion, FundDecision, LedgerTransaction


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin[Any]):
    list_display = ("pk", "enterprise", "bank", "requested", "maturity", "state")
    list_filter = ("state", "bank")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin[Any]):
    list_display = ("pk", "day", "kind", "key", "memo", "sealed")
    list_filter = ("kind",)
    search_fields = ("key", "memo")


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin[Any]):
    list_display = ("enterprise", "reason", "clause", "since", "lifted_on")


@admin.register(FundDecision)
class FundDecisionAdmin(ReadOnlyAdmin[Any]):
    list_display = ("size", "decided_on", "basis")
