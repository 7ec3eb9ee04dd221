"""/cookies/: the cookie settings page (linked from every page's footer) and the decision."""

from __future__ import annotations

from django.urls import path

from consent.cookies import views as cookie_views

app_name = "cookies"

urlpatterns = [
    path("", cookie_views.cookie_settings, name="settings"),
    path("keuze/", cookie_views.cookie_choice, name="choice"),
]
