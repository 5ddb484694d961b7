from django.urls import path

from portal.relics import views

app_name = "relics"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.relic_list, name="list"),
    path("new/", views.relic_new, name="new"),
    path("r/<int:pk>/", views.relic_detail, name="detail"),
    path("r/<int:pk>/edit/", views.relic_edit, name="edit"),
    path("r/<int:pk>/upload/", views.relic_upload, name="upload"),
    path("r/<int:pk>/reexamine/", views.relic_reexamine, name="reexamine"),
    path("r/<int:pk>/stage/", views.relic_stage, name="stage"),
    path("issue/<int:pk>/accept/", views.issue_accept, name="issue_accept"),
    path("case/<int:pk>/close/", views.case_close, name="case_close"),
    path("file/<int:pk>/", views.file_download, name="file"),
    path("review/", views.review, name="review"),
    path("import/", views.import_register, name="import"),
    path("export/register.xlsx", views.export_register, name="export_register"),
    path("export/forms.xlsx", views.export_forms, name="export_forms"),
    path("public/", views.public_list, name="public"),
    path("public/<str:code>/", views.public_detail, name="public_detail"),
]
