from __future__ import annotations

from django.urls import path, re_path

from exact_sandbox import views

app_name = "exact_sandbox"

urlpatterns = [
    path("api/oauth2/auth", views.authorize, name="authorize"),
    path("api/oauth2/token", views.token, name="token"),
    re_path(r"^api/v1/(?P<path>[A-Za-z0-9_/]{1,100})$", views.api, name="api"),
    path("controls/", views.controls, name="controls"),
]
