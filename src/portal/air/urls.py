from django.urls import path

from portal.air import views

app_name = "air"
urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", views.feed, name="feed"),
    path("cap/<str:identifier>.xml", views.cap_xml, name="cap"),
    path("office/", views.office, name="office"),
    path("decision/<int:pk>/", views.decision_detail, name="decision"),
    path("decision/<int:pk>/approval.docx", views.decision_form, name="decision-form"),
    path("episode/<int:pk>/", views.episode_detail, name="episode"),
    path("unit/", views.unit_tasks, name="unit"),
    path("list/", views.reduction_page, name="list"),
    path("list/export.xlsx", views.reduction_export, name="list-export"),
    path("list/<int:pk>/", views.list_entry, name="list-entry"),
    path("enterprise/", views.enterprise_entries, name="enterprise"),
]
