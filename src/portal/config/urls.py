from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.accounts import views as account_views
from portal.audit import views as audit_views
from portal.config.api import api
from portal.core import views

admin.site.site_header = "晋城市城区政务运行平台 管理后台"
admin.site.site_title = "chengqu 管理后台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("m/<slug:key>/", views.module_page, name="module"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.password_change, name="password-change"),
    path("audit/", audit_views.audit_list, name="audit-list"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit-export"),
    path("gazette/", include("portal.gazette.urls")),
    path("incentives/", include("portal.incentives.urls")),
    path("air/", include("portal.air.urls")),
    path("command/", include("portal.command.urls")),
    path("fund/", include("portal.fund.urls")),
    path("supervision/", include("portal.supervision.urls")),
    path("relics/", include("portal.relics.urls")),
    path("notify/", include("portal.notify.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
