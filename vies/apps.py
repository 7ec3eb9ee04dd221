from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViesConfig(AppConfig):
    name = "vies"
    verbose_name = _("Btw-controle (VIES)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vies import tasks  # noqa: F401  (the services queue these tasks by name)
