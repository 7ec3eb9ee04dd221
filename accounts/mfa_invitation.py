"""A staff member's second factor is enrolled only through an invitation that an admin sends
(docs/accounts.md, "MFA invitation"): a signed link, valid ``INVITATION_HOURS``, that works
once, and only for the staff member it was made for, logged in with his own password.

The link carries the staff member's id and a random nonce, signed (``django.core.signing``)
with its time; the SHA-256 of the nonce of the one open invitation per staff member is kept on
the user row (``User.mfa_invitation_digest``) until it is used (a newer invitation replaces
it; the signature's age ends it after ``INVITATION_HOURS``). The database, not the cache:
the link is made in one process and opened in another, also under ``make run``, whose cache
is per process. Opening a valid link marks this session as
invited (``SESSION_KEY``); only then does ``StaffMFARequiredMiddleware`` let the staff member
reach the authenticator setup."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing

INVITATION_HOURS = 72
SESSION_KEY = "accounts.mfa_invited"
_SALT = "accounts.mfa_invitation"


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def make_token(user_id: int) -> str:
    nonce = secrets.token_urlsafe(16)
    get_user_model().objects.filter(pk=user_id).update(mfa_invitation_digest=_digest(nonce))
    return signing.dumps({"u": user_id, "n": nonce}, salt=_SALT, compress=False)


def redeem(token: str, user_id: int) -> bool:
    """True once for a valid, unexpired token made for ``user_id``; it is spent by this."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=timedelta(hours=INVITATION_HOURS))
    except signing.BadSignature:  # also an expired one
        return False
    if not isinstance(data, dict) or data.get("u") != user_id:
        return False
    nonce = data.get("n")
    if not isinstance(nonce, str) or not nonce:
        return False
    # Spent by the one UPDATE that finds it: a second opening (or a race) finds nothing.
    spent = (
        get_user_model()
        .objects.filter(pk=user_id, mfa_invitation_digest=_digest(nonce))
        .update(mfa_invitation_digest="")
    )
    return spent == 1
