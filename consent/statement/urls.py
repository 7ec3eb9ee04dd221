"""URLs of the privacy statement (included at the root by portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from consent.statement import views as statement_views

urlpatterns = [
    path("privacy/", statement_views.privacy, name="privacy"),
    path("privacy/versies/", statement_views.privacy_versions, name="privacy_versions"),
    path("privacy/<str:number>/", statement_views.privacy_version, name="privacy_version"),
]
