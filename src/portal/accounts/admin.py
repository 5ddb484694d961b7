from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from portal.accounts.models import Department, Person, Position, PositionHolding, User
from portal.audit.admin_mixins import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "department", "is_active", "is_superuser")
    list_filter = ("groups", "department__kind", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("单位与联系方式", {"fields": ("display_name", "department", "phone")}),
    )


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin[Department]):
    list_display = ("code", "name", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "code")


class HoldingInline(admin.TabularInline[PositionHolding, Position]):
    model = PositionHolding
    extra = 0
    readonly_fields = ("person", "start", "end")
    can_delete = False


@admin.register(Position)
class PositionAdmin(AuditedAdmin[Position]):
    list_display = ("name", "department", "title")
    search_fields = ("name",)
    inlines = [HoldingInline]


@admin.register(Person)
class PersonAdmin(AuditedAdmin[Person]):
    list_display = ("name", "phone", "user")
    search_fields = ("name",)
