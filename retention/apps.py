from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Bewaartermijnen")

    def ready(self) -> None:
        from portal.views import READINESS_CHECKS
        from retention import registry, services

        registry.autodiscover()
        READINESS_CHECKS["retention"] = services.check_heartbeat
