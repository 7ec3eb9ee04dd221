from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Abonnementen en betalingen")

    def ready(self) -> None:
        from accounts.services import CLOSE_HOOKS
        from subscriptions import tasks  # noqa: F401  (the services queue these tasks by name)
        from subscriptions.services import cancel_on_account_close

        if cancel_on_account_close not in CLOSE_HOOKS:
            CLOSE_HOOKS.append(cancel_on_account_close)

        # backoffice: the closure settlement (refund of unused days) runs first, while the
        # subscription is still live (it ends it itself; the hook above then finds nothing).
        from subscriptions.closure import settle_on_account_close

        if settle_on_account_close not in CLOSE_HOOKS:
            CLOSE_HOOKS.insert(0, settle_on_account_close)
