"""The Synchronisatie page's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from sync import views

app_name = "sync"

urlpatterns = [
    path("portal/koppeling/synchronisatie/", views.overview, name="overview"),
    path("portal/koppeling/synchronisatie/opnieuw/", views.retry, name="retry"),
    path("portal/koppeling/synchronisatie/alle-opnieuw/", views.retry_all, name="retry_all"),
    path("portal/koppeling/synchronisatie/nu/", views.sync_now, name="sync_now"),
    path("portal/koppeling/synchronisatie/verbinding-testen/", views.test_connection, name="test_connection"),
]
