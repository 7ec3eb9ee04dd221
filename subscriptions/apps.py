from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Abonnementen en betalingen")

    def ready(self) -> None:
        from subscriptions import tasks  # noqa: F401  (the services queue these tasks by name)
