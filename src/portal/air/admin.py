from django.contrib import admin

from portal.air.models import (
    Acknowledgement,
    CapMessage,
    DistrictEmissions,
    DutyShift,
    EnterpriseMeasure,
    Exemption,
    HqPost,
    InfoReport,
    ListEnterprise,
    MemberUnit,
    UnitSummary,
    WarningDecision,
    WarningEpisode,
)
from portal.audit.admin_mixins import AuditedAdmin, ReadOnlyAdmin


@admin.register(HqPost)
class HqPostAdmin(AuditedAdmin[HqPost]):
    list_display = ("position", "kind", "authorised")


@admin.register(MemberUnit)
class MemberUnitAdmin(AuditedAdmin[MemberUnit]):
    list_display = ("name", "department", "order", "active")
    list_editable = ("department", "active")


for model in (
    WarningEpisode,
    WarningDecision,
    Acknowledgement,
    InfoReport,
    CapMessage,
    UnitSummary,
    DutyShift,
):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(DistrictEmissions)
class DistrictEmissionsAdmin(AuditedAdmin[DistrictEmissions]):
    list_display = ("year", "so2", "nox", "pm", "vocs")


class MeasureInline(admin.TabularInline[EnterpriseMeasure, ListEnterprise]):
    """Shown, not edited here: measures change through the audited xlsx import."""

    model = EnterpriseMeasure
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ListEnterprise)
class ListEnterpriseAdmin(AuditedAdmin[ListEnterprise]):
    list_display = ("year", "name", "credit_code", "performance_class")
    list_filter = ("year",)
    inlines = [MeasureInline]


@admin.register(Exemption)
class ExemptionAdmin(AuditedAdmin[Exemption]):
    list_display = ("enterprise", "clause", "responses", "approved_by", "approval_ref")
