from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Bewaartermijnen")

    def ready(self) -> None:
        from register import registry
        from retention import tasks  # noqa: F401  (registered under the names the services queue)

        registry.autodiscover()
