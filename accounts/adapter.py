from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from accounts.security import canonical_login
from portal.client_ip import resolve_client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same resolver axes and the audit trail use (see portal.client_ip).
        return resolve_client_ip(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind address)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        # allauth keys its per-account login limit on the identifier as typed, so username
        # and e-mail address would each get their own limit: key it on the account instead.
        identifier = credentials.get("email") or credentials.get("username") or ""
        return f"login:{canonical_login(str(identifier))}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Without django.contrib.sites allauth would greet with the request's host name
        # ("Hallo van 127.0.0.1:8000!"): mails name the product and the public address.
        site = SimpleNamespace(name=settings.PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
