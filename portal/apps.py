from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # django-structlog's request and task lines, fitted to this project (receivers).
        from portal.observability import request_logs  # noqa: F401
