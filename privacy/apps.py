from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacybureau")

    def ready(self) -> None:
        from privacy import tasks  # noqa: F401  (registered under the names beat uses)
