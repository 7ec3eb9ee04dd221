from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebshopConfig(AppConfig):
    name = "webshop"
    verbose_name = _("Webshopbestellingen")
