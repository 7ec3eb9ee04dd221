"""Encryption at rest of the Exact Online tokens.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with a list of keys:
``KOPPELING_TOKEN_KEY`` holds them comma-separated, newest first. The newest encrypts, every
key decrypts, so a new key can be put in front before the stored tokens are re-encrypted
(``manage.py koppeling rotate-keys``) and the old key is removed afterwards.

Plaintext tokens exist only in memory, inside the token functions of ``koppeling.tokens``
and the chokepoint; they are never logged, audited, exported or shown.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TokenUnreadable(Exception):
    """A stored token cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("KOPPELING_TOKEN_KEY must hold at least one key.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        # The message never contains the key itself.
        raise ImproperlyConfigured(
            "KOPPELING_TOKEN_KEY must be comma-separated Fernet keys (32 bytes, urlsafe base64)."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(settings.KOPPELING_TOKEN_KEY))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode("ascii")).decode()
    except InvalidToken as exc:
        raise TokenUnreadable("stored token cannot be decrypted with the configured keys") from exc


def rotate(ciphertext: str) -> str:
    """The same plaintext, encrypted with the newest key."""
    try:
        return _current().rotate(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise TokenUnreadable("stored token cannot be decrypted with the configured keys") from exc


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
