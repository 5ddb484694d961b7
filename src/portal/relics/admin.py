"""Admin of the relics census (audited)."""

from __future__ import annotations

from django.contrib import admin

from portal.audit.admin_mixins import AuditedAdmin
from portal.relics.models import DamageCase, QualityIssue, Reexamination, Relic


@admin.register(Relic)
class RelicAdmin(AuditedAdmin[Relic]):
    list_display = ("code", "name", "department", "category", "level", "stage")
    list_filter = ("stage", "category", "level", "department")
    search_fields = ("code", "name", "address")


@admin.register(Reexamination)
class ReexaminationAdmin(AuditedAdmin[Reexamination]):
    list_display = ("relic", "outcome", "cause", "examined_on")


@admin.register(DamageCase)
class DamageCaseAdmin(AuditedAdmin[DamageCase]):
    list_display = ("relic", "cause", "status", "opened_at")


@admin.register(QualityIssue)
class QualityIssueAdmin(AuditedAdmin[QualityIssue]):
    list_display = ("relic", "code", "severity", "status")
    list_filter = ("status", "severity")
