from django.urls import path

from portal.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("item/<int:pk>/", views.item_detail, name="item"),
    path("item/<int:pk>/act/", views.item_act, name="act"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("schedule/", views.schedule, name="schedule"),
    path("duties/", views.duties, name="duties"),
    path("hazards/", views.hazards, name="hazards"),
    path("hazards/new/", views.hazard_new, name="hazard_new"),
    path("hazards/self-inspection/", views.self_inspection, name="self_inspection"),
    path("hazards/checklist/", views.hazard_checklist, name="checklist"),
    path("hazards/exposure/", views.exposure, name="exposure"),
    path("hazards/dispatch-table.xlsx", views.dispatch_table, name="dispatch_table"),
]
