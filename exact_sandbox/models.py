"""Storage of the Exact Online sandbox (development and tests only; this app is never
installed in production, so these tables never exist there)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SandboxCode(models.Model):
    """An authorization code handed to the redirect URI; single use, a few minutes valid."""

    code = models.CharField(max_length=64, unique=True)
    user_key = models.CharField(max_length=40)
    client_id = models.CharField(max_length=100)
    redirect_uri = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code[:8]


class SandboxToken(models.Model):
    """An access token (10 minutes) or a refresh token (30 days, single use)."""

    class Kind(models.TextChoices):
        ACCESS = "access"
        REFRESH = "refresh"

    token = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user_key = models.CharField(max_length=40)
    client_id = models.CharField(max_length=100)
    grant_type = models.CharField(max_length=30)  # how the pair was obtained
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)  # refresh tokens: spent
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]}…"


class SandboxFault(models.Model):
    """A fault injected into the next ``remaining`` matching calls."""

    class Kind(models.TextChoices):
        SERVER_ERROR = "server_error", "API: 503"
        TIMEOUT = "timeout", "API: no answer in time"
        RATE_LIMIT = "rate_limit", "API: 429 with Retry-After"
        TOKEN_SERVER_ERROR = "token_server_error", "Token endpoint: 503"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    remaining = models.PositiveIntegerField(default=1)
    seconds = models.PositiveIntegerField(default=1)  # delay for timeouts, Retry-After for 429
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} ×{self.remaining}"
