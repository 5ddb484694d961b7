from django.contrib import admin

from portal.audit.admin_mixins import ReadOnlyAdmin
from portal.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    """Read-only: the log is appended by services, never edited by hand."""

    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_name", "action")
