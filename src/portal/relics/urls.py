from django.urls import path

from portal.relics import views

app_name = "relics"
urlpatterns = [
    path("", views.index, name="index"),
]
