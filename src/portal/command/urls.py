from django.urls import path

from portal.command import views

app_name = "command"
urlpatterns = [
    path("", views.index, name="index"),
]
