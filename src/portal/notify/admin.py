"""Admin of the inbox: notices, subscriptions and external deliveries are read here, written only
by the services (notify, the subscriptions page), so every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from portal.audit.admin_mixins import ReadOnlyAdmin
from portal.notify.models import Address, Delivery, Notification, Subscription


class AddressInline(admin.TabularInline[Address, Notification]):
    model = Address
    extra = 0
    can_delete = False
    readonly_fields = ("user", "position", "department", "reason")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Any]):
    list_display = ("title", "kind", "topic", "created_at", "sender")
    list_filter = ("kind",)
    search_fields = ("title", "body")
    inlines = (AddressInline,)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin[Any]):
    list_display = ("user", "topic", "created_at")
    list_filter = ("topic",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin[Any]):
    list_display = ("notification", "user", "channel", "target", "status", "attempted_at")
    list_filter = ("channel", "status")
    search_fields = ("error", "target")
