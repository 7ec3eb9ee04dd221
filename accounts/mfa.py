"""MFA secrets (the TOTP key, the recovery-code seed) are encrypted before allauth stores them,
and so is a TOTP key being set up while it waits in the session for its first code.

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

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from allauth.mfa.totp.internal.auth import generate_totp_secret
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
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


SETUP_SESSION_KEY = "mfa.totp.secret"  # allauth's key, so its own clean-up still removes it


class ActivateTOTPForm(BaseActivateTOTPForm):
    """allauth's form to set up an authenticator app keeps the new secret in the session
    until the first code is confirmed, in plain text. Ours keeps it there encrypted like a
    stored one (the session store is a database table and a Redis cache); the page still
    shows it (QR code and text) to the customer setting it up. ``MFA_FORMS`` names it."""

    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        session = context.request.session
        secret = None if not self.is_bound else session.get(SETUP_SESSION_KEY)
        if secret:
            self.secret = decrypt_secret(secret)
        else:
            self.secret = generate_totp_secret()
            session[SETUP_SESSION_KEY] = encrypt_secret(self.secret)
