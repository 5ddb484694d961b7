from django.urls import path

from portal.air import views

app_name = "air"
urlpatterns = [
    path("", views.index, name="index"),
]
