"""A staff member's second factor is enrolled only through an invitation that an admin sends
(docs/accounts.md, "MFA invitation"): a signed link, valid ``INVITATION_HOURS``, that works
once, and only for the staff member it was made for, logged in with his own password.

The link carries the staff member's id and a random nonce, signed (``django.core.signing``)
with its time; the nonce of the one open invitation per staff member waits in the cache until
it is used or expires (a newer invitation replaces it). Losing the cache only makes open
invitations invalid: the admin sends a new one. Opening a valid link marks this session as
invited (``SESSION_KEY``); only then does ``StaffMFARequiredMiddleware`` let the staff member
reach the authenticator setup."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.core.cache import cache

INVITATION_HOURS = 72
SESSION_KEY = "accounts.mfa_invited"
_SALT = "accounts.mfa_invitation"


def _cache_key(user_id: int) -> str:
    return f"accounts:mfa-invitation:{user_id}"


def make_token(user_id: int) -> str:
    nonce = secrets.token_urlsafe(16)
    cache.set(_cache_key(user_id), nonce, timeout=INVITATION_HOURS * 3600)
    return signing.dumps({"u": user_id, "n": nonce}, salt=_SALT, compress=False)


def redeem(token: str, user_id: int) -> bool:
    """True once for a valid, unexpired token made for ``user_id``; it is spent by this."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=timedelta(hours=INVITATION_HOURS))
    except signing.BadSignature:  # also an expired one
        return False
    if not isinstance(data, dict) or data.get("u") != user_id:
        return False
    key = _cache_key(user_id)
    nonce = cache.get(key)
    if not nonce or not secrets.compare_digest(str(nonce), str(data.get("n"))):
        return False
    return bool(cache.delete(key))
