from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared library (mail, formatting, client IP, request context, env helpers, outage
    page, the on-commit task helper). An app, not a plain package, so that Django finds its
    template tags (``portal_text``) and Celery its mail task; it has no models. It imports no
    other app of this project."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import (
            shared_version,
            tasks,  # noqa: F401  (registered under their names for core.on_commit.after_commit)
        )

        shared_version.connect_signals()
