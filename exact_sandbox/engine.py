"""What the Exact Online sandbox does apart from HTTP: codes, tokens, limits and faults.

The rules follow Exact's documentation: access tokens live 10 minutes, refresh tokens 30
days and are single use (each refresh returns a new pair, the old refresh token stops
working), authorization codes a few minutes; about 60 API calls per minute per app and
administration, with ``X-RateLimit-*`` headers and 429 beyond it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from exact_sandbox.models import SandboxCode, SandboxFault, SandboxToken

ACCESS_LIFETIME = timedelta(minutes=10)
REFRESH_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=5)
MINUTE_LIMIT = 60
DAILY_LIMIT = 5000


@dataclass
class OAuthError(Exception):
    status: int
    error: str
    description: str = ""


def enabled() -> bool:
    return not settings.PRODUCTION


def client_ok(client_id: str, client_secret: str | None = None) -> bool:
    if not secrets.compare_digest(client_id.encode(), settings.EXACT_SANDBOX_CLIENT_ID.encode()):
        return False
    if client_secret is None:
        return True
    return secrets.compare_digest(client_secret.encode(), settings.EXACT_SANDBOX_CLIENT_SECRET.encode())


def code_issue(*, user_key: str, client_id: str, redirect_uri: str) -> str:
    code = secrets.token_urlsafe(32)
    SandboxCode.objects.create(code=code, user_key=user_key, client_id=client_id, redirect_uri=redirect_uri)
    return code


def _pair(*, user_key: str, client_id: str, grant_type: str) -> dict:
    now = timezone.now()
    access = SandboxToken.objects.create(
        token="sbx-at-" + secrets.token_urlsafe(30),
        kind=SandboxToken.Kind.ACCESS,
        user_key=user_key,
        client_id=client_id,
        grant_type=grant_type,
        expires_at=now + ACCESS_LIFETIME,
    )
    refresh = SandboxToken.objects.create(
        token="sbx-rt-" + secrets.token_urlsafe(30),
        kind=SandboxToken.Kind.REFRESH,
        user_key=user_key,
        client_id=client_id,
        grant_type=grant_type,
        expires_at=now + REFRESH_LIFETIME,
    )
    return {
        "access_token": access.token,
        "token_type": "bearer",
        "expires_in": str(int(ACCESS_LIFETIME.total_seconds())),  # Exact sends a string
        "refresh_token": refresh.token,
    }


@transaction.atomic
def token_grant(form: dict[str, str]) -> dict:
    client_id = form.get("client_id", "")
    if not client_ok(client_id, form.get("client_secret", "")):
        raise OAuthError(401, "invalid_client")
    grant_type = form.get("grant_type", "")
    now = timezone.now()
    if grant_type == "authorization_code":
        code = SandboxCode.objects.select_for_update().filter(code=form.get("code", "")[:64]).first()
        if code is None or code.used_at is not None or code.created_at + CODE_LIFETIME < now:
            raise OAuthError(400, "invalid_grant", "The authorization code is invalid, used or expired.")
        if code.client_id != client_id or code.redirect_uri != form.get("redirect_uri", ""):
            raise OAuthError(400, "invalid_grant", "The redirect URI does not match.")
        code.used_at = now
        code.save(update_fields=["used_at"])
        return _pair(user_key=code.user_key, client_id=client_id, grant_type=grant_type)
    if grant_type == "refresh_token":
        token = (
            SandboxToken.objects.select_for_update()
            .filter(token=form.get("refresh_token", "")[:100], kind=SandboxToken.Kind.REFRESH)
            .first()
        )
        if token is None or token.used_at or token.revoked_at or token.expires_at < now or token.client_id != client_id:
            raise OAuthError(400, "invalid_grant", "The refresh token is invalid, used, revoked or expired.")
        token.used_at = now
        token.save(update_fields=["used_at"])
        return _pair(user_key=token.user_key, client_id=client_id, grant_type=grant_type)
    raise OAuthError(400, "unsupported_grant_type")


def access_user(token: str) -> tuple[str, str] | None:
    """(user key, client id) of a valid access token, or None."""
    found = SandboxToken.objects.filter(token=token[:100], kind=SandboxToken.Kind.ACCESS).first()
    if found is None or found.revoked_at or found.expires_at <= timezone.now():
        return None
    return found.user_key, found.client_id


# --- faults and controls ------------------------------------------------------------------------


def fault_add(kind: str, *, times: int = 1, seconds: int = 1) -> SandboxFault:
    return SandboxFault.objects.create(kind=SandboxFault.Kind(kind), remaining=times, seconds=seconds)


@transaction.atomic
def fault_take(kinds: tuple[str, ...]) -> SandboxFault | None:
    fault = SandboxFault.objects.select_for_update().filter(kind__in=kinds, remaining__gt=0).order_by("pk").first()
    if fault is None:
        return None
    fault.remaining -= 1
    if fault.remaining:
        fault.save(update_fields=["remaining"])
    else:
        fault.delete()
    return fault


def refresh_tokens_revoke(*, user_key: str | None = None) -> int:
    """As a user who withdraws the app's access at Exact: every live refresh token dies."""
    tokens = SandboxToken.objects.filter(kind=SandboxToken.Kind.REFRESH, used_at__isnull=True, revoked_at__isnull=True)
    if user_key:
        tokens = tokens.filter(user_key=user_key)
    return tokens.update(revoked_at=timezone.now())


def refresh_tokens_expire() -> int:
    return SandboxToken.objects.filter(kind=SandboxToken.Kind.REFRESH, used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def refresh_count() -> int:
    """How many refreshes the sandbox answered (each issues one new refresh token)."""
    return SandboxToken.objects.filter(kind=SandboxToken.Kind.REFRESH, grant_type="refresh_token").count()


def reset() -> None:
    SandboxFault.objects.all().delete()


# --- the rate limit -----------------------------------------------------------------------------


def rate_count(*, client_id: str, division: int) -> dict[str, str]:
    """Count one call; the headers Exact sends (resets in epoch milliseconds)."""
    now = time.time()
    minute = int(now // 60)
    day = int(now // 86400)
    minute_key = f"exact-sandbox:rate:{client_id}:{division}:m{minute}"
    day_key = f"exact-sandbox:rate:{client_id}:{division}:d{day}"
    cache.add(minute_key, 0, timeout=120)
    cache.add(day_key, 0, timeout=2 * 86400)
    used_minute = cache.incr(minute_key)
    used_day = cache.incr(day_key)
    return {
        "X-RateLimit-Minutely-Limit": str(MINUTE_LIMIT),
        "X-RateLimit-Minutely-Remaining": str(max(0, MINUTE_LIMIT - used_minute)),
        "X-RateLimit-Minutely-Reset": str((minute + 1) * 60 * 1000),
        "X-RateLimit-Limit": str(DAILY_LIMIT),
        "X-RateLimit-Remaining": str(max(0, DAILY_LIMIT - used_day)),
        "X-RateLimit-Reset": str((day + 1) * 86400 * 1000),
        "_over": "1" if used_minute > MINUTE_LIMIT or used_day > DAILY_LIMIT else "",
    }
