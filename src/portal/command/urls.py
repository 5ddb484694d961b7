from django.urls import path

from portal.command import views

app_name = "command"
urlpatterns = [
    path("", views.index, name="index"),
    path("hq/<slug:key>/", views.hq_detail, name="hq"),
    path("post/<int:pk>/", views.post_detail, name="post"),
    path("route/", views.route, name="route"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/route/", views.incident_route, name="incident-route"),
    path("incidents/<int:pk>/anchor/", views.incident_anchor, name="incident-anchor"),
    path("incidents/<int:pk>/level/", views.incident_level, name="incident-level"),
    path("incidents/<int:pk>/terminate/", views.incident_terminate, name="incident-terminate"),
    path("incidents/<int:pk>/report/", views.report_edit, name="report-new"),
    path("incidents/<int:pk>/report/<int:report_pk>/", views.report_edit, name="report"),
    path("duties/", views.duties, name="duties"),
]
