"""The beheeromgeving's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from koppeling import views

app_name = "koppeling"

urlpatterns = [
    path("portal/koppeling/", views.overview, name="overview"),
    path("portal/koppeling/verbinden/", views.connect, name="connect"),
    path("portal/koppeling/exact/callback/", views.callback, name="callback"),
    path("portal/koppeling/administratie/", views.choose, name="choose"),
    path("portal/koppeling/verbreken/", views.disconnect, name="disconnect"),
    path("portal/koppeling/instellingen/", views.settings_save, name="settings"),
    path("portal/koppeling/instellingen/vernieuwen/", views.options_refresh, name="options_refresh"),
    path("portal/koppeling/pauzeren/", views.pause, name="pause"),
    path("portal/koppeling/hervatten/", views.resume, name="resume"),
    path("portal/koppeling/sleutels/", views.api_keys, name="api_keys"),
    path("portal/koppeling/sleutels/<int:key_id>/intrekken/", views.api_key_revoke, name="api_key_revoke"),
]
