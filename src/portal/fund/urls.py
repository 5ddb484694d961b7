from django.urls import path

from portal.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/doc/<str:name>.docx", views.document, name="document"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/post/<str:kind>/", views.ledger_post, name="ledger-post"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger-xlsx"),
    path("reports/", views.reports, name="reports"),
    path("reports.xlsx", views.reports_xlsx, name="reports-xlsx"),
    path("exclusions/", views.exclusions, name="exclusions"),
]
