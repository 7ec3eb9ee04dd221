from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Klantaccounts")

    def ready(self) -> None:
        from accounts import library_labels, receivers  # noqa: F401  (receivers connects allauth and axes signals)

        library_labels.apply()
