"""What the Exact Online sandbox does apart from HTTP: codes, tokens, limits, the error
rule, faults and the controls tests and benchmarks use.

The rules follow Exact's documentation (docs/koppeling.md, "Exact Online's rules"): access
tokens live 10 minutes, refresh tokens 30 days and are single use (each refresh returns a
new pair, the old refresh token stops working), and a new access token is given only when
the current one is (nearly) expired; authorization codes live 3 minutes; 60 API calls per
minute and 5,000 per day per app and administration, with ``X-RateLimit-*`` headers and 429
beyond them; more than 10 errors (400, 401, 403, 404) on one endpoint within an hour block
the app on that endpoint for an hour.
"""

from __future__ import annotations

import math
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exact_sandbox.models import SandboxCode, SandboxFault, SandboxInvoice, SandboxSettings, SandboxToken

ACCESS_LIFETIME = timedelta(minutes=10)
REFRESH_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=3)
# A new access token only from 570 seconds after the previous one: within 30 s of expiry.
REFRESH_ALLOWED_BEFORE_EXPIRY = timedelta(seconds=30)
# Exact's own budgets: the defaults of the sandbox's settings.
MINUTE_LIMIT = SandboxSettings._meta.get_field("minute_limit").default
DAILY_LIMIT = SandboxSettings._meta.get_field("day_limit").default


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
    pair = uuid.uuid4().hex
    access = SandboxToken.objects.create(
        pair=pair,
        token="sbx-at-" + secrets.token_urlsafe(30),
        kind=SandboxToken.Kind.ACCESS,
        user_key=user_key,
        client_id=client_id,
        grant_type=grant_type,
        expires_at=now + ACCESS_LIFETIME,
    )
    refresh = SandboxToken.objects.create(
        pair=pair,
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
        _refuse_early_refresh(token, now)
        token.used_at = now
        token.save(update_fields=["used_at"])
        return _pair(user_key=token.user_key, client_id=client_id, grant_type=grant_type)
    raise OAuthError(400, "unsupported_grant_type")


def _refuse_early_refresh(refresh_token: SandboxToken, now) -> None:
    """Exact gives a new access token only when the one issued with this refresh token is
    (nearly) expired; the refresh token stays valid. A revoked access token may be replaced."""
    if not settings_get().refresh_rule_on:
        return
    access = SandboxToken.objects.filter(pair=refresh_token.pair, kind=SandboxToken.Kind.ACCESS).first()
    if access is None or access.revoked_at is not None:
        return
    left = access.expires_at - now
    if left > REFRESH_ALLOWED_BEFORE_EXPIRY:
        wait = math.ceil((left - REFRESH_ALLOWED_BEFORE_EXPIRY).total_seconds())
        raise OAuthError(
            400,
            "invalid_request",
            f"The access token has not expired yet; a new one can be requested in {wait} seconds.",
        )


def access_user(token: str, *, valid: bool = True) -> tuple[str, str] | None:
    """(user key, client id) of a valid access token, or None. With ``valid=False`` also of
    an expired or revoked one (Exact still knows whose calls fail)."""
    found = SandboxToken.objects.filter(token=token[:100], kind=SandboxToken.Kind.ACCESS).first()
    if found is None:
        return None
    if valid and (found.revoked_at or found.expires_at <= timezone.now()):
        return None
    return found.user_key, found.client_id


# --- faults and controls ------------------------------------------------------------------------


COMMIT_FAULTS = (
    SandboxFault.Kind.COMMIT_THEN_TIMEOUT,
    SandboxFault.Kind.COMMIT_THEN_DROP,
    SandboxFault.Kind.COMMIT_THEN_SERVER_ERROR,
)
API_FAULTS = (
    SandboxFault.Kind.SERVER_ERROR,
    SandboxFault.Kind.TIMEOUT,
    SandboxFault.Kind.RATE_LIMIT,
    SandboxFault.Kind.VALIDATION_ERROR,
    SandboxFault.Kind.ERROR_BLOCK,
    *COMMIT_FAULTS,
)


def fault_add(
    kind: str, *, endpoint: str = "", method: str = "", times: int = 1, seconds: float = 1, message: str = ""
) -> SandboxFault:
    """Make the next ``times`` calls to ``endpoint`` (e.g. ``salesinvoice/SalesInvoices``;
    empty: any) with ``method`` (``GET``/``POST``; empty: any) fail as ``kind`` says.
    ``seconds``: the delay of a timeout, the Retry-After of a 429, the length of a block."""
    kind = SandboxFault.Kind(kind)
    if kind in COMMIT_FAULTS and method not in ("", "POST"):
        raise ValueError(f"{kind} happens to creates (POST) only")
    return SandboxFault.objects.create(
        kind=kind,
        endpoint=endpoint.strip("/"),
        method=method.upper(),
        remaining=times,
        seconds=seconds,
        message=message[:300],
    )


@transaction.atomic
def fault_take(kinds: tuple[str, ...], *, endpoint: str = "", method: str = "") -> SandboxFault | None:
    """The oldest pending fault of these kinds for this call, counted down by one."""
    if method != "POST":
        kinds = tuple(kind for kind in kinds if kind not in COMMIT_FAULTS)
    fault = (
        SandboxFault.objects.select_for_update()
        .filter(kind__in=kinds, remaining__gt=0)
        .filter(Q(endpoint="") | Q(endpoint=endpoint))
        .filter(Q(method="") | Q(method=method))
        .order_by("pk")
        .first()
    )
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


def access_tokens_near_expiry(*, seconds: int = 30) -> int:
    """Let every live access token expire in ``seconds`` (tests: as if issued ~9.5 minutes
    ago, so Exact's refresh rule allows a new one)."""
    return SandboxToken.objects.filter(
        kind=SandboxToken.Kind.ACCESS, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).update(expires_at=timezone.now() + timedelta(seconds=seconds))


def reset() -> None:
    """No faults, no blocks, Exact's own limits."""
    SandboxFault.objects.all().delete()
    SandboxSettings.objects.all().delete()
    cache.delete_many(list(cache.get(_BLOCK_INDEX) or []) + [_BLOCK_INDEX])


# --- invoices: what happens in Exact after the koppeling made them ------------------------------


def _invoice(*, division: int, invoice_id: str | None = None, your_ref: str | None = None) -> SandboxInvoice:
    invoices = SandboxInvoice.objects.filter(division=division)
    if invoice_id:
        invoices = invoices.filter(guid=invoice_id)
    elif your_ref:
        invoices = invoices.filter(your_ref__iexact=your_ref)
    else:
        raise ValueError("give invoice_id or your_ref")
    found = list(invoices.order_by("pk")[:2])
    if len(found) != 1:
        raise LookupError(f"{len(found)} invoices match in division {division}")
    return found[0]


def invoice_process(*, division: int, invoice_id: str | None = None, your_ref: str | None = None) -> SandboxInvoice:
    """As the bookkeeper printing the invoice in Exact: it is processed (status 50) and
    becomes an open receivable."""
    invoice = _invoice(division=division, invoice_id=invoice_id, your_ref=your_ref)
    if invoice.status != SandboxInvoice.PROCESSED:
        invoice.status = SandboxInvoice.PROCESSED
        invoice.save(update_fields=["status"])
    return invoice


def invoice_mark_paid(*, division: int, invoice_id: str | None = None, your_ref: str | None = None) -> SandboxInvoice:
    """As a payment matched in Exact: the invoice (processed first if need be) is fully paid."""
    invoice = invoice_process(division=division, invoice_id=invoice_id, your_ref=your_ref)
    if invoice.paid_at is None:
        invoice.paid_at = timezone.now()
        invoice.save(update_fields=["paid_at"])
    return invoice


# --- the limits -----------------------------------------------------------------------------


def settings_get() -> SandboxSettings:
    found = SandboxSettings.objects.filter(pk=1).first()
    return found if found is not None else SandboxSettings(pk=1)


def limits_set(**values) -> SandboxSettings:
    """Change the sandbox's limits, e.g. ``limits_set(minute_limit=60, minute_seconds=6,
    day_limit=5000, day_seconds=600)`` (a compressed clock) or ``limits_set(limits_on=False)``.
    Fields not named keep their value; ``reset()`` restores Exact's own."""
    row = settings_get()
    for name, value in values.items():
        if name not in {field.name for field in SandboxSettings._meta.fields} - {"id"}:
            raise TypeError(f"unknown sandbox setting {name!r}")
        setattr(row, name, value)
    if row.minute_seconds <= 0 or row.day_seconds <= 0 or row.error_window_seconds <= 0:
        raise ValueError("window lengths must be positive")
    row.save()
    return row


# --- the rate limit -----------------------------------------------------------------------------


def _windows(config: SandboxSettings, now: float) -> tuple[int, int]:
    return int(now // config.minute_seconds), int(now // config.day_seconds)


def _rate_keys(client_id: str, division: int, minute: int, day: int) -> tuple[str, str]:
    base = f"exact-sandbox:rate:{client_id}:{division}"
    return f"{base}:m{minute}", f"{base}:d{day}"


def rate_count(*, client_id: str, division: int, config: SandboxSettings | None = None, count: bool = True) -> dict:
    """Count one call (unless ``count`` is false) against the app's minute and day budgets
    in this administration. Returns Exact's headers (resets in epoch milliseconds) and, under
    ``_over``, the seconds until the spent budget resets (0: within budget). With the limits
    off: no headers, never over."""
    config = config or settings_get()
    if not config.limits_on:
        return {"_over": 0}
    now = time.time()
    minute, day = _windows(config, now)
    minute_key, day_key = _rate_keys(client_id, division, minute, day)
    if count:
        cache.add(minute_key, 0, timeout=int(config.minute_seconds * 2) + 1)
        cache.add(day_key, 0, timeout=int(config.day_seconds * 2) + 1)
        used_minute, used_day = cache.incr(minute_key), cache.incr(day_key)
    else:
        used_minute, used_day = cache.get(minute_key) or 0, cache.get(day_key) or 0
    minute_reset = (minute + 1) * config.minute_seconds
    day_reset = (day + 1) * config.day_seconds
    over = 0.0
    if used_day > config.day_limit:
        over = day_reset - now
    elif used_minute > config.minute_limit:
        over = minute_reset - now
    return {
        "X-RateLimit-Minutely-Limit": str(config.minute_limit),
        "X-RateLimit-Minutely-Remaining": str(max(0, config.minute_limit - used_minute)),
        "X-RateLimit-Minutely-Reset": str(int(minute_reset * 1000)),
        "X-RateLimit-Limit": str(config.day_limit),
        "X-RateLimit-Remaining": str(max(0, config.day_limit - used_day)),
        "X-RateLimit-Reset": str(int(day_reset * 1000)),
        "_over": over,
    }


# --- the error rule -----------------------------------------------------------------------------

_BLOCK_INDEX = "exact-sandbox:blocks"


def _error_scope(client_id: str, user_key: str, division: int, endpoint: str) -> str:
    return f"{client_id}:{user_key}:{division}:{endpoint}"


def blocked_for(*, client_id: str, user_key: str, division: int, endpoint: str) -> float:
    """Seconds the app is still blocked on this endpoint (0: not blocked)."""
    until = cache.get(f"exact-sandbox:block:{_error_scope(client_id, user_key, division, endpoint)}")
    return max(0.0, until - time.time()) if until else 0.0


def block(*, client_id: str, user_key: str, division: int, endpoint: str, seconds: float) -> None:
    key = f"exact-sandbox:block:{_error_scope(client_id, user_key, division, endpoint)}"
    cache.set(key, time.time() + seconds, timeout=int(seconds) + 1)
    index = set(cache.get(_BLOCK_INDEX) or [])
    index.add(key)
    cache.set(_BLOCK_INDEX, sorted(index), timeout=None)


def error_count(*, client_id: str, user_key: str, division: int, endpoint: str, config=None) -> int:
    """Count one error answer (400, 401, 403, 404) on the endpoint; past the limit within the
    window the app is blocked on it. Returns the errors counted: this window's and the
    previous one's, so the sandbox is never more lenient than a sliding hour."""
    config = config or settings_get()
    window = int(time.time() // config.error_window_seconds)
    scope = _error_scope(client_id, user_key, division, endpoint)
    key = f"exact-sandbox:errors:{scope}:{window}"
    cache.add(key, 0, timeout=int(config.error_window_seconds * 2) + 1)
    errors = cache.incr(key) + (cache.get(f"exact-sandbox:errors:{scope}:{window - 1}") or 0)
    if errors > config.error_limit:
        block(
            client_id=client_id, user_key=user_key, division=division, endpoint=endpoint, seconds=config.block_seconds
        )
    return errors
