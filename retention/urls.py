"""This app's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
