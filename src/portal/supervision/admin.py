from django.contrib import admin

from portal.audit.admin_mixins import AuditedAdmin
from portal.supervision.models import Bulletin, Hazard, LoopItem, Venue


@admin.register(LoopItem)
class LoopItemAdmin(AuditedAdmin[LoopItem]):
    list_display = ("number", "kind", "unit_name", "due", "state")
    list_filter = ("kind", "state", "livelihood")
    search_fields = ("text", "unit_name", "leader")


@admin.register(Venue)
class VenueAdmin(AuditedAdmin[Venue]):
    list_display = ("name", "venue_class", "kind", "street")


@admin.register(Hazard)
class HazardAdmin(AuditedAdmin[Hazard]):
    list_display = ("item", "venue", "check_id", "major", "tough")


@admin.register(Bulletin)
class BulletinAdmin(AuditedAdmin[Bulletin]):
    list_display = ("title", "published_at", "published_by")
