"""The Article 30 record's admin pages (Privacybureau role and admin), mounted under
``/admin/privacy/verwerkingsregister/`` by portal/urls.py, behind the admin's login."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from privacy import views

urlpatterns = [
    path("", admin.site.admin_view(views.processing_record), name="privacy_processing_record"),
    path(
        "download/",
        admin.site.admin_view(views.processing_record_download),
        name="privacy_processing_record_download",
    ),
]
