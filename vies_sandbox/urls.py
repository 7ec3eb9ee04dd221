from __future__ import annotations

from django.urls import path

from vies_sandbox import views

app_name = "vies_sandbox"

urlpatterns = [
    path("check-vat-number", views.check_vat_number, name="check_vat_number"),
]
