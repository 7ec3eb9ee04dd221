"""MFA secrets (the TOTP key, the recovery-code seed) are encrypted before allauth stores them.

allauth's MFA adapter offers ``encrypt``/``decrypt`` for exactly this. The key comes from
``MFA_ENCRYPTION_KEY`` (comma-separated: the first one encrypts, every one decrypts, so a key
can be rotated), never from the database. A value without our prefix is a secret stored
before encryption existed: it still works (and migration 0002 encrypts those in place).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "enc1:"
logger = logging.getLogger(__name__)


def _fernet(passphrase: str) -> Fernet:
    # Any passphrase becomes a 32-byte Fernet key; a real Fernet key works as a passphrase too.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest()))


def cipher(keys: list[str] | None = None) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in (keys or settings.MFA_ENCRYPTION_KEYS)])


def encrypt_secret(text: str, keys: list[str] | None = None) -> str:
    if text.startswith(PREFIX):
        return text
    return PREFIX + cipher(keys).encrypt(text.encode()).decode()


def decrypt_secret(stored: str, keys: list[str] | None = None) -> str:
    if not stored.startswith(PREFIX):
        return stored  # stored in plain text before encryption: still valid
    try:
        return cipher(keys).decrypt(stored[len(PREFIX) :].encode()).decode()
    except (InvalidToken, ValueError):
        # Damaged, or written with a key no longer configured: no code can be right. A
        # random secret nobody knows refuses every code (an empty one would not).
        logger.error("An MFA secret could not be decrypted (damaged, or MFA_ENCRYPTION_KEY changed).")
        return base64.b32encode(secrets.token_bytes(20)).decode()


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
