from django.apps import AppConfig


class ExactSandboxConfig(AppConfig):
    name = "exact_sandbox"
    verbose_name = "Exact Online sandbox"
    default_auto_field = "django.db.models.BigAutoField"
