from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from accounts.security import canonical_login
from core.client_ip import resolve_client_ip
from core.formatting import greeting_name
from core.mail import add_footer, reply_to

# allauth mails that answer "who has this address?" without the visitor being logged in: the
# page shows the same for every address (no enumeration), and the mail to a closed account's
# address says what is true for it instead.
_ADDRESS_PROBE_MAILS = ("account/email/unknown_account", "account/email/account_already_exists")


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same resolver axes and the audit trail use (see core.client_ip).
        return resolve_client_ip(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind address)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        # allauth keys its per-account login limit on the identifier as typed, so username
        # and e-mail address would each get their own limit: key it on the account instead.
        identifier = credentials.get("email") or credentials.get("username") or ""
        return f"login:{canonical_login(str(identifier))}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix in _ADDRESS_PROBE_MAILS:
            from accounts.selectors import closed_account_facts, closed_user_for_email

            closed = closed_user_for_email(email)
            if closed is not None:
                # A password reset finds no active account, and a signup finds the address
                # taken: for a closed account both say it is closed, until when it is kept
                # and how to reach support (never "register" or "reset your password").
                from core.mail import render_and_send

                render_and_send(
                    "accounts/email/closed_account_notice",
                    to=[email],
                    context={
                        "username": closed.get_username(),
                        "greeting_name": greeting_name(closed),
                        **closed_account_facts(closed),
                    },
                    language=translation.get_language(),
                )
                return
        # Without django.contrib.sites allauth would greet with the request's host name
        # ("Hallo van 127.0.0.1:8000!"): mails name the product and the public address.
        site = SimpleNamespace(name=settings.PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        # Every mail greets by name ({% greeting %} in templates/account/email/base_message.txt).
        user = context.get("user")
        if "greeting_name" not in context and getattr(user, "is_authenticated", False):
            context = {"greeting_name": greeting_name(user), **context}
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def send_notification_mail(self, template_prefix: str, user, context: dict | None = None, email=None) -> None:
        # allauth gives its notifications ("your password was changed") no user to greet.
        super().send_notification_mail(
            template_prefix, user, {"greeting_name": greeting_name(user), **(context or {})}, email
        )

    def respond_user_inactive(self, request: HttpRequest, user) -> HttpResponse:
        # The visitor proved the password: the page may say when the account was closed
        # and until when it is kept (the same facts as the closing mail).
        from accounts.selectors import closed_account_facts

        return render(request, "account/account_inactive.html", {"closed": closed_account_facts(user)})

    def render_mail(self, template_prefix: str, email, context: dict, headers=None):
        # allauth's mails end with the footer every mail carries (core.mail.add_footer).
        # A reply reaches the company, not the no-reply sender (core.mail.reply_to).
        message = super().render_mail(template_prefix, email, context, headers)
        message.reply_to = reply_to()
        return add_footer(message)
