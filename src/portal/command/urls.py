from django.urls import path

from portal.command import plan_views, views

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
    path("incidents/<int:pk>/task/<int:task_pk>/", plan_views.task_mark, name="task-mark"),
    path("incidents/<int:pk>/sample/", plan_views.sample_record, name="sample-record"),
    path("incidents/<int:pk>/compensation/", plan_views.compensation_add, name="compensation-add"),
    path(
        "incidents/<int:pk>/compensation.xlsx",
        plan_views.compensation_xlsx,
        name="compensation-xlsx",
    ),
    path("incidents/<int:pk>/assessment/", plan_views.assessment_edit, name="assessment"),
    path("incidents/<int:pk>/assessment.docx", plan_views.assessment_docx, name="assessment-docx"),
    path("duties/", views.duties, name="duties"),
]
