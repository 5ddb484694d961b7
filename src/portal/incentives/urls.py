from django.urls import path

from portal.incentives import views

app_name = "incentives"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("fee/", views.farmland_fee, name="fee"),
]
