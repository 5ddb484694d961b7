from django.urls import path

from portal.incentives import batch_views, claim_views, views

app_name = "incentives"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("fee/", views.farmland_fee, name="fee"),
    path("batch/", batch_views.batch_list, name="batch-list"),
    path("batch/<int:pk>/", batch_views.batch_detail, name="batch-detail"),
    path("batch/<int:pk>/export.xlsx", batch_views.batch_export, name="batch-export"),
    path("batch/<int:pk>/publish/", batch_views.batch_publish, name="batch-publish"),
    path("batch/<int:pk>/claims/", batch_views.batch_claims, name="batch-claims"),
    path("mianshen/", batch_views.published_list, name="published-list"),
    path("mianshen/<int:pk>/", batch_views.published_detail, name="published-detail"),
    path("claims/", claim_views.claim_list, name="claim-list"),
    path("claims/new/", claim_views.claim_new, name="claim-new"),
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/<slug:action>/", claim_views.claim_action, name="claim-action"),
    path("claims/documents/<int:pk>/", claim_views.claim_document, name="claim-document"),
    path("ledger/", claim_views.ledger, name="ledger"),
    path("claims-window/", claim_views.claims_window, name="claims-window"),
]
