from django.urls import path

from portal.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
]
