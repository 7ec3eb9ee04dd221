from django.apps import AppConfig


class MollieSandboxConfig(AppConfig):
    """A stand-in for Mollie at the HTTP boundary: installed only in development and tests
    (``DJANGO_DEBUG=1``), so production has neither its tables nor its URLs."""

    name = "mollie_sandbox"
    verbose_name = "Mollie sandbox"
    default_auto_field = "django.db.models.BigAutoField"
