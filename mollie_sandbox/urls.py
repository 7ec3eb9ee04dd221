from __future__ import annotations

from django.urls import path, re_path

from mollie_sandbox import api, views

app_name = "mollie_sandbox"

urlpatterns = [
    re_path(r"^v2/(?P<path>[A-Za-z0-9_/-]*)$", api.api, name="api"),
    path("checkout/<str:payment_id>/", views.checkout, name="checkout"),
    path("controls/", views.control_page, name="controls"),
]
