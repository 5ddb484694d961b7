"""Admin of the command module: read the roster as loaded; fix a duty shift or a drill record.

HQs, posts and seats come from the roster loader (change the TOML, run `chengqu load`); incidents
and reports are changed only through the services, so here they are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from portal.audit.admin_mixins import AuditedAdmin, ReadOnlyAdmin
from portal.command.models import (
    Assessment,
    Compensation,
    DutyRecord,
    DutyShift,
    Headquarters,
    Incident,
    Post,
    Report,
    SampleStep,
    Seat,
    Task,
)


@admin.register(Headquarters)
class HeadquartersAdmin(ReadOnlyAdmin[Any]):
    list_display = ("name", "kind", "office_host", "document", "clause")
    list_filter = ("kind",)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin[Any]):
    list_display = ("title", "key", "position", "document", "clause")
    search_fields = ("title", "key")


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin[Any]):
    list_display = ("hq", "role", "post", "as_written")
    list_filter = ("role", "hq")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident_type", "occurred_at", "place", "hq", "status", "level")
    list_filter = ("status", "plan")
    search_fields = ("incident_type", "place")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident", "title", "status", "filed_at", "filed_by", "complete")
    list_filter = ("status",)


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedAdmin[DutyShift]):
    list_display = ("day", "leader", "officer", "phone")


@admin.register(DutyRecord)
class DutyRecordAdmin(AuditedAdmin[DutyRecord]):
    list_display = ("duty", "done_on", "recorded_by")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident", "group", "title", "clause", "done_by", "done_at")
    list_filter = ("source", "group")


@admin.register(SampleStep)
class SampleStepAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident", "lab", "sent_at", "received_at", "result_at", "result")


@admin.register(Compensation)
class CompensationAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident", "kind", "item", "owner", "quantity", "unit", "amount")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin[Any]):
    list_display = ("incident", "plan", "status", "filed_by", "filed_at")
