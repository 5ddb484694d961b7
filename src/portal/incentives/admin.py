"""The incentives tables in the admin: read-only. Batches, claims and payments change only through
services (audited, in order); the admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.audit.admin_mixins import AuditedAdmin
from portal.incentives.models import BatchRun, Claim, ClaimDocument, Payment


class ReadOnlyAudited(AuditedAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BatchRun)
class BatchRunAdmin(ReadOnlyAudited):
    list_display = ["pk", "file_name", "as_of", "uploaded_by", "uploaded_at", "row_count", "error_count", "total", "published_at"]
    exclude = ["summary", "errors"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAudited):
    list_display = ["pk", "enterprise", "measure", "tier", "computed_amount", "approved_amount", "status", "submitted_at"]
    list_filter = ["status", "measure"]


@admin.register(ClaimDocument)
class ClaimDocumentAdmin(ReadOnlyAudited):
    list_display = ["name", "claim", "size", "uploaded_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAudited):
    list_display = ["paid_at", "enterprise", "measure", "amount", "reference", "paid_by"]
