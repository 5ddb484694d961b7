from django.urls import path

from portal.gazette import views

app_name = "gazette"

urlpatterns = [
    path("", views.index, name="index"),
    path("issue/<int:pk>/", views.issue_page, name="issue"),
    path("search/", views.search_page, name="search"),
    path("doc/<path:key>/", views.document_page, name="document"),
]
