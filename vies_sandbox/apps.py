from django.apps import AppConfig


class ViesSandboxConfig(AppConfig):
    """A stand-in for the EU's VIES service at the HTTP boundary: installed only in
    development and tests (``DJANGO_DEBUG=1``), so production has neither its tables nor its
    URLs."""

    name = "vies_sandbox"
    verbose_name = "VIES sandbox"
    default_auto_field = "django.db.models.BigAutoField"
