from django.urls import path

from portal.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.index, name="index"),
]
