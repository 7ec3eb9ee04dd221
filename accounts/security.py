"""How axes recognises "one account", whichever identifier the visitor typed."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

UNKNOWN_PREFIX = "onbekend-"


def unknown_login_key(identifier: str) -> str:
    """A name that matches no account may be anything the visitor typed, a password
    included: it is never stored as typed. A keyed hash still counts repeated attempts with
    the same name together, and cannot be reversed without the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), identifier.lower().encode(), hashlib.sha256).hexdigest()
    return UNKNOWN_PREFIX + digest[:32]


def canonical_login(identifier: str) -> str:
    """Map a username or an e-mail address to the account's username, so that failed logins
    by username and by e-mail address count for the same account. An identifier that
    matches no account is still counted, under a keyed hash of it (``unknown_login_key``)."""
    identifier = (identifier or "").strip()[:254]
    if not identifier:
        return ""
    User = get_user_model()
    if "@" in identifier:
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(email__iexact=identifier).select_related("user").first()
        if address is not None:
            return address.user.get_username().lower()
        user = User.objects.filter(email__iexact=identifier).only("username").first()
        if user is not None:
            return user.get_username().lower()
    user = User.objects.filter(username__iexact=identifier).only("username").first()
    if user is not None:
        return user.get_username().lower()
    return unknown_login_key(identifier)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    credentials = credentials or {}
    identifier = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not identifier and request is not None and request.method == "POST":
        identifier = request.POST.get("login") or request.POST.get("username")
    return canonical_login(identifier or "")
