"""This app's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("portal/mijn-gegevens/", views.overview, name="overview"),
    path("portal/mijn-gegevens/download/", views.request_export, name="request_export"),
    path("portal/mijn-gegevens/download/<uuid:export_id>/status/", views.export_status, name="export_status"),
    path("portal/mijn-gegevens/download/<uuid:export_id>/", views.download, name="download"),
]
