from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
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
