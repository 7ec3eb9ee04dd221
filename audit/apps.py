from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Logboek")

    def ready(self) -> None:
        # django.contrib.admin comes first in INSTALLED_APPS, so every admin.py has been
        # imported (and registered) by now.
        from django.contrib import admin

        from audit.admin_audit import audit_every_model_admin

        audit_every_model_admin(admin.site)
