from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoppelingConfig(AppConfig):
    name = "koppeling"
    verbose_name = _("Koppeling met Exact Online")

    def ready(self) -> None:
        from accounts.services import CLOSE_HOOKS
        from koppeling.services import disconnect_on_account_close

        if disconnect_on_account_close not in CLOSE_HOOKS:
            CLOSE_HOOKS.append(disconnect_on_account_close)
