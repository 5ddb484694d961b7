"""The incentives tables in the admin: read-only. Batches, claims and payments change only through
services (audited, in order); the admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from portal.audit.admin_mixins import ReadOnlyAdmin
from portal.incentives.models import BatchRun, Claim, ClaimDocument, Payment


@admin.register(BatchRun)
class BatchRunAdmin(ReadOnlyAdmin[Any]):
    list_display = [
        "pk",
        "file_name",
        "as_of",
        "uploaded_by",
        "uploaded_at",
        "row_count",
        "error_count",
        "total",
        "published_at",
    ]
    exclude = ["summary", "errors"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin[Any]):
    list_display = [
        "pk",
        "enterprise",
        "measure",
        "tier",
        "computed_amount",
        "approved_amount",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "measure"]


@admin.register(ClaimDocument)
class ClaimDocumentAdmin(ReadOnlyAdmin[Any]):
    list_display = ["name", "claim", "size", "uploaded_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin[Any]):
    list_display = ["paid_at", "enterprise", "measure", "amount", "reference", "paid_by"]
