"""The signed unsubscribe token of an e-mail address.

The token carries the address (lower case) and the purpose, signed with ``SECRET_KEY``
(and ``SECRET_KEY_FALLBACKS`` after a key rotation) under a salt of its own: it cannot be
changed to another address, and a token signed for any other purpose does not verify. It
does not expire: a mail read years later still unsubscribes (the RFC 8058 one-click link
must keep working, and unsubscribing is harmless to the addressee).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

PURPOSE = "marketing-unsubscribe"
SALT = "consent.marketing.unsubscribe"
MAX_LENGTH = 512  # longer is garbage: a real token for a 254-character address is shorter


class InvalidToken(Exception):
    """The token was not made by us for unsubscribing (forged, altered, other purpose)."""


def normalise(address: str) -> str:
    return address.strip().lower()


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)  # no timestamp: one address, one token, for good


def make_token(address: str) -> str:
    return _signer().sign_object({"a": normalise(address), "p": PURPOSE})


def read_token(token: str) -> str:
    """The address the token was made for; :class:`InvalidToken` for anything else."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        raise InvalidToken
    try:
        payload = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidToken from exc
    if not isinstance(payload, dict) or payload.get("p") != PURPOSE:
        raise InvalidToken
    address = payload.get("a")
    if not isinstance(address, str) or "@" not in address:
        raise InvalidToken
    return address


def unsubscribe_url(address: str) -> str:
    """The absolute one-click unsubscribe URL of ``address`` (``https://`` in production,
    where SITE_URL must be https)."""
    return settings.SITE_URL + reverse("consent_marketing:unsubscribe", args=[make_token(address)])


def preferences_url() -> str:
    return settings.SITE_URL + reverse("consent_marketing:preferences")


def footer_links(address: str | None) -> dict[str, str]:
    """Registered as ``settings.MAIL_FOOTER_LINKS``: the links every mail's footer carries
    (``core.mail.add_footer``): one-click unsubscribe for a single recipient, and the
    E-mailvoorkeuren page."""
    return {"unsubscribe_url": unsubscribe_url(address) if address else "", "preferences_url": preferences_url()}
