from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = _("Synchronisatie met Exact Online")

    def ready(self) -> None:
        from sync import tasks  # noqa: F401  (registered under their names for core.on_commit.after_commit)
