from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.mfa_invitation import SESSION_KEY

# Pages a staff member without MFA may still open: the invitation, logging out, the
# language switch and static files; the setup itself only with an opened invitation.
_SETUP_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/")
_ALLOWED_PREFIXES = (
    "/medewerker/tweestapsverificatie/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
)


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class StaffMFARequiredMiddleware:
    """allauth has no "MFA required" setting: staff without a second factor reach nothing
    else, the admin included. They are sent to TOTP setup only once this session opened the
    invitation an admin sent them (``accounts.mfa_invitation``); before that, to the page
    that tells them to ask for one: a password alone never enrols an authenticator."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not has_mfa(user)
        ):
            if request.session.get(SESSION_KEY) != user.pk:
                return redirect("accounts_mfa_invitation_needed")
            if not request.path.startswith(_SETUP_PREFIXES):
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


# The answers that tell "has this name or address an account?" to someone who is not logged
# in: a wrong password, a signup, a password reset. allauth's URL names.
ANSWER_FLOOR_VIEWS = frozenset({"account_login", "account_signup", "account_reset_password"})


class AnswerFloorMiddleware:
    """Sends no answer to a POST of the login, signup and password reset forms sooner than
    ``ACCOUNT_ANSWER_FLOOR_MS`` after the request came in. Both sides of each question already
    do nearly the same work (one password hash each; bench/bench_enumeration.py), but a new
    address still creates an account and an unknown one looks for a closed account: a few
    milliseconds that an attacker could average out of many tries. Waiting out the rest of a
    fixed time makes what he reads the floor, whatever the answer. Set the floor above the
    slowest of these answers (docs/benchmarks.md, "Account enumeration"); 0 switches it off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        floor = settings.ACCOUNT_ANSWER_FLOOR_MS / 1000
        match = getattr(request, "resolver_match", None)
        if floor and request.method == "POST" and match is not None and match.url_name in ANSWER_FLOOR_VIEWS:
            remaining = floor - (time.monotonic() - started)
            if remaining > 0:
                wait(remaining)
        return response


def wait(seconds: float) -> None:
    time.sleep(seconds)  # a name of its own, so a test can see how long the answer was held
