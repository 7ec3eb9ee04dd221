from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from portal.client_ip import resolve_client_ip
from portal.mail import add_footer


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same resolver axes and the audit trail use (see portal.client_ip).
        return resolve_client_ip(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind address)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Without django.contrib.sites allauth would greet with the request's host name
        # ("Hallo van 127.0.0.1:8000!"): mails name the product and the public address.
        site = SimpleNamespace(name=settings.PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def render_mail(self, template_prefix: str, email, context: dict, headers=None):
        # allauth's mails end with the footer every mail carries (portal.mail.add_footer).
        return add_footer(super().render_mail(template_prefix, email, context, headers))
