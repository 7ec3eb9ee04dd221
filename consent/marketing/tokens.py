"""The signed unsubscribe token of an e-mail address.

The token names the accounts that use the address when the mail is made (their ids; none
for an address without an account), never the address itself, so no address ends up in a
URL, a proxy log or a browser history. It is signed with ``SECRET_KEY`` (and
``SECRET_KEY_FALLBACKS`` after a key rotation) under a salt of its own: it cannot be changed
to other accounts, and a token signed for any other purpose does not verify. It does not
expire: a mail read years later still unsubscribes (the RFC 8058 one-click link must keep
working, and unsubscribing is harmless to the addressee).

Tokens made before (until issue 15) carried the address (``{"a": address, "p": purpose}``).
They are still honoured, because they sit in mails already delivered and a one-click link
must keep working; they unsubscribe the accounts using that address, as before. New mails
get only the new kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from consent.marketing.selectors import users_with_address

PURPOSE = "marketing-unsubscribe"
SALT = "consent.marketing.unsubscribe"
MAX_LENGTH = 512  # longer is garbage: a real token (old kind: a 254-character address) is shorter
MAX_ACCOUNTS = 20  # one address is one account (ACCOUNT_UNIQUE_EMAIL); a few more are tolerated


@dataclass(frozen=True)
class Target:
    """Who a valid token unsubscribes: the accounts named in it, or (a token of the old kind)
    the accounts that use ``address``."""

    user_ids: tuple[int, ...] = ()
    address: str | None = None


class InvalidToken(Exception):
    """The token was not made by us for unsubscribing (forged, altered, other purpose)."""


def normalise(address: str) -> str:
    return address.strip().lower()


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)  # no timestamp: one address, one token, for good


def make_token(address: str) -> str:
    ids = sorted(users_with_address(normalise(address)).values_list("pk", flat=True)[:MAX_ACCOUNTS])
    return _signer().sign_object({"u": ids})


def read_token(token: str) -> Target:
    """Who the token unsubscribes; :class:`InvalidToken` for anything we did not make for it."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        raise InvalidToken
    try:
        payload = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidToken from exc
    if not isinstance(payload, dict):
        raise InvalidToken
    if "u" in payload:
        ids = payload["u"]
        if (
            not isinstance(ids, list)
            or len(ids) > MAX_ACCOUNTS
            or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids)
        ):
            raise InvalidToken
        return Target(user_ids=tuple(ids))
    # The old kind, with the address in it.
    if payload.get("p") != PURPOSE:
        raise InvalidToken
    address = payload.get("a")
    if not isinstance(address, str) or "@" not in address:
        raise InvalidToken
    return Target(address=address)


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
