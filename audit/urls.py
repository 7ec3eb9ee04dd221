"""This app's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("portal/activiteit/", views.activity, name="activity"),
    path("portal/activiteit/activiteit.csv", views.activity_csv, name="activity_csv"),
]
