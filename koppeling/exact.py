"""The only module that talks to Exact Online.

* Timeouts on every call (``EXACT_TIMEOUT``).
* Retries only where safe: a GET is retried after a network error, a timeout or a 5xx;
  a POST never is (Exact has no idempotency keys: a create whose answer was lost raises
  :class:`ExactAmbiguous`, and the caller looks the record up before creating again); the
  token endpoint never is (an authorization code is single use, and a refresh whose answer
  was lost may already have replaced the refresh token at Exact).
* Exact's limits are respected: the ``X-RateLimit-*`` headers of each answer (minute and
  day) are remembered per administration in the shared cache (:func:`rate_limits`), a call
  waits for the minute to reset when that is close, and a 429 is retried once after
  ``Retry-After`` if that is short. Otherwise :class:`ExactRateLimited` says how long to
  wait. Error answers are counted per endpoint (:func:`error_count`) for Exact's error
  rule, and a block Exact reports stops calls to that endpoint (:class:`ExactBlocked`).
* Each failure has its own exception class, so the sync engine knows what to do: wait
  (ExactRateLimited, ExactBlocked), look up before retrying a create (ExactAmbiguous),
  show Exact's message (ExactValidationError), refresh or reconnect (ExactAuthError).
* Tokens travel only in the ``Authorization`` header and the token request body; they are
  never logged, and the records returned here hide them from ``repr``.
* ``__next`` links are followed only on Exact's own host, so a token is never sent elsewhere.

In development and tests without ``EXACT_CLIENT_ID`` the project's sandbox
(``exact_sandbox``, at ``SITE_URL/sandbox/exact``) stands in for Exact Online.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import urllib3
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


class ExactError(Exception):
    """Exact refused the request, or could not be asked. The subclasses say what to do."""


class ExactAuthError(ExactError):
    """Our authorisation is not accepted: get a new access token, or (ExactGrantError) the
    customer must connect again."""


class ExactUnauthorized(ExactAuthError):
    """The API refused the access token (401: expired or revoked). Refresh once and repeat;
    when the refresh is refused too (ExactGrantError) the customer must connect again."""


class ExactGrantError(ExactAuthError):
    """The token endpoint refused the grant (``invalid_grant``: code or refresh token no
    longer valid; the customer must connect again)."""

    def __init__(self, error: str) -> None:
        super().__init__(f"token endpoint: {error}")
        self.error = error


class ExactRefused(ExactError):
    """A 4xx answer that trying again will not change (403, 404, 405, 400)."""

    def __init__(self, message: str, *, status: int, endpoint: str = "", exact_message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.endpoint = endpoint
        self.exact_message = exact_message


class ExactValidationError(ExactRefused):
    """Exact refused the data (400); ``exact_message`` is Exact's own text, for the error
    list. Nothing was stored. Each one counts towards Exact's error rule on the endpoint."""


class ExactUnavailable(ExactError):
    """Exact could not be reached or kept failing; nothing is known about the outcome of a
    read, and a write was not sent (safe to send again)."""


class ExactAmbiguous(ExactUnavailable):
    """A write was sent and its answer lost (a timeout, a dropped connection, a 5xx): Exact
    may have stored it. Look the record up (by ``YourRef``, by code) before creating again."""


class ExactRateLimited(ExactUnavailable):
    """Over Exact's rate limit: try again after ``retry_after`` seconds (at ``reset_at``).
    ``scope`` is ``"minute"`` or ``"day"``. Nothing was stored."""

    def __init__(
        self, message: str, *, retry_after: int, reset_at: datetime | None = None, scope: str = "minute"
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.reset_at = reset_at or timezone.now() + timedelta(seconds=retry_after)
        self.scope = scope


class ExactBlocked(ExactRateLimited):
    """Exact's error rule: after too many errors on ``endpoint`` within an hour the app is
    blocked on it (about an hour). Call nothing on that endpoint before ``reset_at``."""

    def __init__(self, message: str, *, retry_after: int, endpoint: str, reset_at: datetime | None = None) -> None:
        super().__init__(message, retry_after=retry_after, reset_at=reset_at, scope="endpoint")
        self.endpoint = endpoint


class ExactRefreshTooEarly(ExactRateLimited):
    """Exact gives a new access token only when the current one is (nearly) expired; the
    refresh token is still good. Use the current access token until ``reset_at``."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class Me:
    user_id: str
    user_name: str
    full_name: str
    current_division: int | None


@dataclass(frozen=True)
class Option:
    code: str
    name: str
    rate: str = ""  # VAT codes: Exact's Percentage as a fraction ("0.21"); empty for the rest

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, **({"rate": self.rate} if self.rate else {})}


# --- where Exact is ---------------------------------------------------------------------------


def sandbox_in_use() -> bool:
    return not settings.PRODUCTION and not settings.EXACT_CLIENT_ID and apps.is_installed("exact_sandbox")


def base_url() -> str:
    if sandbox_in_use():
        return settings.SITE_URL + "/sandbox/exact"
    return settings.EXACT_BASE_URL


def client_id() -> str:
    return settings.EXACT_SANDBOX_CLIENT_ID if sandbox_in_use() else settings.EXACT_CLIENT_ID


def _client_secret() -> str:
    return settings.EXACT_SANDBOX_CLIENT_SECRET if sandbox_in_use() else settings.EXACT_CLIENT_SECRET


def redirect_uri() -> str:
    """The callback registered with the app at Exact (must match exactly)."""
    return settings.SITE_URL + reverse("koppeling:callback")


def authorize_url(*, state: str) -> str:
    query = urlencode(
        {"client_id": client_id(), "redirect_uri": redirect_uri(), "response_type": "code", "state": state}
    )
    return f"{base_url()}/api/oauth2/auth?{query}"


# --- HTTP -------------------------------------------------------------------------------------

_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = "ExactKoppelingPortal/1"
        _local.session = session
    return session


def _now() -> datetime:
    return timezone.now()


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _exact_message(response: requests.Response) -> str:
    """Exact's own text from its error body ``{"error": {"message": {"value": "…"}}}``."""
    error = _json(response).get("error")
    if isinstance(error, dict):
        message = error.get("message")
        if isinstance(message, dict):
            message = message.get("value")
        if isinstance(message, str):
            return message[:500]
    return ""


# --- tokens -----------------------------------------------------------------------------------

# Exact gives a new access token from 570 seconds after the previous one: within 30 s of expiry.
REFRESH_ALLOWED_BEFORE_EXPIRY = timedelta(seconds=30)


def _token_request(data: dict[str, str], *, what: str) -> TokenPair:
    body = {**data, "client_id": client_id(), "client_secret": _client_secret()}
    try:
        response = _session().post(
            base_url() + "/api/oauth2/token",
            data=body,
            headers={"Accept": "application/json"},
            timeout=settings.EXACT_TIMEOUT,
        )
    except requests.RequestException as exc:
        logger.warning("Exact token endpoint unreachable (%s): %s", what, exc.__class__.__name__)
        raise ExactUnavailable(f"{what}: {exc.__class__.__name__}") from exc
    payload = _json(response)
    if response.status_code == 400 or response.status_code == 401:
        error = str(payload.get("error") or "invalid_request")[:100]
        description = str(payload.get("error_description") or "")
        if "not expired" in description.lower() or "not yet expired" in description.lower():
            seconds = _seconds_in(description)
            logger.info("Exact refused %s: the access token is not expired yet", what)
            raise ExactRefreshTooEarly(f"{what}: too early", retry_after=seconds or 30)
        logger.info("Exact token endpoint refused %s: %s", what, error)
        raise ExactGrantError(error)
    if response.status_code == 429:
        raise ExactRateLimited(f"{what}: 429", retry_after=_retry_after(response))
    if response.status_code >= 500 or not payload:
        raise ExactUnavailable(f"{what}: HTTP {response.status_code}")
    try:
        expires_in = int(payload.get("expires_in") or 600)
        return TokenPair(
            access_token=str(payload["access_token"]),
            refresh_token=str(payload["refresh_token"]),
            expires_at=_now() + timedelta(seconds=expires_in),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ExactUnavailable(f"{what}: unexpected answer") from exc


def _seconds_in(text: str) -> int | None:
    numbers = [int(word) for word in text.replace(".", " ").split() if word.isdigit()]
    return numbers[0] if numbers else None


def exchange_code(*, code: str) -> TokenPair:
    """Trade the authorization code from the callback for the first token pair."""
    return _token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri()}, what="code exchange"
    )


def refresh(*, refresh_token: str, access_expires_at: datetime | None = None) -> TokenPair:
    """A new pair; the old refresh token stops working at Exact. Never retried.

    Exact refuses a refresh while the current access token has more than 30 seconds left.
    Given ``access_expires_at``, such a refresh is not sent at all (it would count as an
    error at Exact): :class:`ExactRefreshTooEarly` says when it is allowed."""
    if access_expires_at is not None:
        left = access_expires_at - _now() - REFRESH_ALLOWED_BEFORE_EXPIRY
        if left > timedelta(0):
            raise ExactRefreshTooEarly(
                "token refresh: the access token is not expired yet",
                retry_after=math.ceil(left.total_seconds()),
                reset_at=access_expires_at - REFRESH_ALLOWED_BEFORE_EXPIRY,
            )
    return _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token}, what="token refresh")


# --- what Exact's answers say about its limits ------------------------------------------------
#
# Exact's budgets belong to the app and the administration (division), whichever customer's
# connection makes the call, so they are kept per division, in the shared cache (Redis):
# every worker sees what any worker's last answer said. Keys:
#   koppeling:exact-rate:<client id>:<division>         (minute remaining, reset epoch ms)
#   koppeling:exact-rate:<client id>:<division>:day     (day remaining, reset epoch ms)
#   koppeling:exact-rate:<client id>:<division>:limits  (minute limit, day limit, seen epoch s)
#   koppeling:exact-errors:<client id>:<division>:<endpoint>:<hour>  (error answers counted)
#   koppeling:exact-block:<client id>:<division>:<endpoint>          (blocked until, epoch s)


@dataclass(frozen=True)
class RateLimits:
    """The budgets Exact's last answer for a division reported."""

    minute_limit: int | None
    minute_remaining: int | None
    minute_reset_at: datetime | None
    day_limit: int | None
    day_remaining: int | None
    day_reset_at: datetime | None
    seen_at: datetime | None


def _retry_after(response: requests.Response) -> int:
    raw = response.headers.get("Retry-After", "")
    if raw.strip().isdigit():
        return max(1, int(raw))
    reset = _reset_in(response.headers.get("X-RateLimit-Minutely-Reset"))
    return max(1, math.ceil(reset)) if reset is not None else 60


def _reset_in(epoch_ms: str | None) -> float | None:
    if not epoch_ms or not epoch_ms.strip().isdigit():
        return None
    return int(epoch_ms) / 1000 - time.time()


def _int_header(response: requests.Response, name: str) -> int | None:
    raw = response.headers.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


def _epoch_ms(raw: int | None) -> datetime | None:
    return datetime.fromtimestamp(raw / 1000, tz=UTC) if raw else None


def _limit_key(division: int | str) -> str:
    return f"koppeling:exact-rate:{client_id()}:{division}"


def _daily_key(division: int | str) -> str:
    return _limit_key(division) + ":day"


def _remember_limit(division: int | str, response: requests.Response) -> None:
    for key, prefix in ((_limit_key(division), "X-RateLimit-Minutely-"), (_daily_key(division), "X-RateLimit-")):
        remaining = _int_header(response, prefix + "Remaining")
        reset = _int_header(response, prefix + "Reset")
        if remaining is not None and reset is not None:
            seconds = _reset_in(str(reset)) or 0
            cache.set(key, (remaining, reset), timeout=max(1, math.ceil(seconds) + 1))
    minute_limit = _int_header(response, "X-RateLimit-Minutely-Limit")
    day_limit = _int_header(response, "X-RateLimit-Limit")
    if minute_limit is not None or day_limit is not None:
        cache.set(_limit_key(division) + ":limits", (minute_limit, day_limit, time.time()), timeout=2 * 86400)


def rate_limits(*, division: int | str) -> RateLimits | None:
    """What Exact's last answers said about the division's minute and day budgets (None:
    no answer seen, or every window it spoke of has passed)."""
    minute = cache.get(_limit_key(division))
    day = cache.get(_daily_key(division))
    limits = cache.get(_limit_key(division) + ":limits")
    if minute is None and day is None:
        return None
    return RateLimits(
        minute_limit=limits[0] if limits else None,
        minute_remaining=minute[0] if minute else None,
        minute_reset_at=_epoch_ms(minute[1]) if minute else None,
        day_limit=limits[1] if limits else None,
        day_remaining=day[0] if day else None,
        day_reset_at=_epoch_ms(day[1]) if day else None,
        seen_at=datetime.fromtimestamp(limits[2], tz=UTC) if limits else None,
    )


def _endpoint(url: str) -> str:
    """``crm/Accounts`` for ``…/api/v1/1001/crm/Accounts?…`` (``current/Me`` has no division)."""
    path = urlsplit(url).path.split("/api/v1/", 1)[-1].strip("/")
    head, _slash, rest = path.partition("/")
    return rest if head.isdigit() and rest else path


def _error_key(division: int | str, endpoint: str, hour: int) -> str:
    return f"koppeling:exact-errors:{client_id()}:{division}:{endpoint}:{hour}"


def _note_error(division: int | str, endpoint: str) -> None:
    key = _error_key(division, endpoint, int(time.time() // 3600))
    cache.add(key, 0, timeout=2 * 3600 + 60)
    cache.incr(key)


def error_count(*, division: int | str, endpoint: str) -> int:
    """Error answers (400, 401, 403, 404) from ``endpoint`` (e.g. ``salesinvoice/SalesInvoices``)
    in this division during this clock hour and the one before: never less than what Exact
    counts for its rule (about 10 per endpoint per hour block the app on it for an hour)."""
    hour = int(time.time() // 3600)
    return sum(cache.get(_error_key(division, endpoint, h)) or 0 for h in (hour, hour - 1))


def _block_key(division: int | str, endpoint: str) -> str:
    return f"koppeling:exact-block:{client_id()}:{division}:{endpoint}"


def blocked_until(*, division: int | str, endpoint: str) -> datetime | None:
    """When Exact's block of ``endpoint`` in the division ends, if Exact reported one."""
    until = cache.get(_block_key(division, endpoint))
    return datetime.fromtimestamp(until, tz=UTC) if until and until > time.time() else None


def _wait_for_limit(division: int | str, *, what: str, endpoint: str = "") -> None:
    """No call while a budget is known to be spent: a blocked endpoint and the day's budget
    never wait, the minute's waits when its reset is near."""
    if endpoint:
        until = blocked_until(division=division, endpoint=endpoint)
        if until is not None:
            seconds = math.ceil((until - _now()).total_seconds())
            raise ExactBlocked(f"{what}: blocked", retry_after=max(1, seconds), endpoint=endpoint, reset_at=until)
    daily = cache.get(_daily_key(division))
    if daily and daily[0] <= 0:
        seconds = _reset_in(str(daily[1])) or 0
        if seconds > 0:
            raise ExactRateLimited(
                f"{what}: daily limit spent", retry_after=int(seconds) + 1, reset_at=_epoch_ms(daily[1]), scope="day"
            )
    known = cache.get(_limit_key(division))
    if not known or known[0] > 0:
        return
    seconds = _reset_in(str(known[1])) or 0
    if seconds <= 0:
        return
    if seconds > settings.EXACT_RATE_LIMIT_MAX_WAIT:
        raise ExactRateLimited(
            f"{what}: minute limit spent", retry_after=int(seconds) + 1, reset_at=_epoch_ms(known[1])
        )
    time.sleep(seconds)


def _too_many(response: requests.Response, *, what: str, endpoint: str, division: int | str) -> ExactRateLimited:
    """A 429: the day's or the minute's budget, or (budgets left, or Exact saying so) the
    error rule's block of the endpoint."""
    retry_after = _retry_after(response)
    minute_left = _int_header(response, "X-RateLimit-Minutely-Remaining")
    day_left = _int_header(response, "X-RateLimit-Remaining")
    message = _exact_message(response)
    if day_left == 0:
        reset = _int_header(response, "X-RateLimit-Reset")
        seconds = max(retry_after, math.ceil(_reset_in(str(reset)) or 0)) if reset else retry_after
        return ExactRateLimited(f"{what}: 429 (day)", retry_after=seconds, reset_at=_epoch_ms(reset), scope="day")
    if minute_left == 0:
        return ExactRateLimited(f"{what}: 429", retry_after=retry_after)
    if "too many errors" in message.lower() or (minute_left is not None and day_left is not None):
        until = time.time() + retry_after
        cache.set(_block_key(division, endpoint), until, timeout=retry_after + 1)
        return ExactBlocked(f"{what}: 429 (blocked)", retry_after=retry_after, endpoint=endpoint)
    return ExactRateLimited(f"{what}: 429", retry_after=retry_after)


def _not_sent(exc: requests.RequestException) -> bool:
    """True when the request certainly never reached Exact (no connection was made)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.InvalidURL):
        return True
    if isinstance(exc, requests.exceptions.MissingSchema | requests.exceptions.InvalidSchema):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        reason = getattr(exc.args[0], "reason", None)
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def _call(  # noqa: C901, PLR0912 - one answer, each status in its place
    method: str, *, access_token: str, path: str, division: int | str, params=None, body: dict | None = None
) -> dict:
    """One call to ``/api/v1/<path>`` (or a full ``__next`` URL on Exact's host).

    A GET is tried again after a network error, a timeout or a 5xx (``EXACT_RETRY_DELAYS``);
    a POST never is (Exact has no idempotency keys): a POST whose answer is lost raises
    :class:`ExactAmbiguous`. A 429 is waited out once when its Retry-After is short."""
    url = path if path.startswith(base_url() + "/") else f"{base_url()}/api/v1/{path.lstrip('/')}"
    what = f"{method} {urlsplit(url).path}"
    endpoint = _endpoint(url)
    delays = list(settings.EXACT_RETRY_DELAYS) if method == "GET" else []
    headers = {"Accept": "application/json", "Authorization": f"Bearer {access_token}"}
    if method == "POST":
        headers["Prefer"] = "return=representation"
    waited_for_429 = False
    while True:
        _wait_for_limit(division, what=what, endpoint=endpoint)
        try:
            response = _session().request(
                method, url, params=params, json=body, headers=headers, timeout=settings.EXACT_TIMEOUT
            )
        except requests.RequestException as exc:
            if method != "GET" and not _not_sent(exc):
                logger.warning("Exact %s: no answer (%s); it may have been stored", what, exc.__class__.__name__)
                raise ExactAmbiguous(f"{what}: {exc.__class__.__name__}") from exc
            failure: str = exc.__class__.__name__
        else:
            _remember_limit(division, response)
            status = response.status_code
            if status in (HTTPStatus.OK, HTTPStatus.CREATED):
                payload = _json(response)
                if payload:
                    return payload
                if method != "GET":
                    raise ExactAmbiguous(f"{what}: HTTP {status} without a readable answer")
                failure = "not JSON"
            elif status == HTTPStatus.NO_CONTENT:
                return {}
            elif status == HTTPStatus.TOO_MANY_REQUESTS:
                error = _too_many(response, what=what, endpoint=endpoint, division=division)
                if isinstance(error, ExactBlocked) or waited_for_429 or error.retry_after > _max_wait():
                    logger.info("Exact %s on %s: retry after %ss", error.scope, what, error.retry_after)
                    raise error
                waited_for_429 = True
                time.sleep(error.retry_after)
                cache.delete(_limit_key(division))  # Retry-After has passed: the budget is back
                continue
            elif status >= HTTPStatus.INTERNAL_SERVER_ERROR:
                if method != "GET":
                    logger.warning("Exact %s: HTTP %s; it may have been stored", what, status)
                    raise ExactAmbiguous(f"{what}: HTTP {status}")
                failure = f"HTTP {status}"
            else:
                if status in (400, 401, 403, 404):
                    _note_error(division, endpoint)
                message = _exact_message(response)
                if status == HTTPStatus.UNAUTHORIZED:
                    raise ExactUnauthorized(f"{what}: 401")
                error_class = ExactValidationError if status == HTTPStatus.BAD_REQUEST else ExactRefused
                logger.info("Exact refused %s: HTTP %s", what, status)
                raise error_class(f"{what}: HTTP {status}", status=status, endpoint=endpoint, exact_message=message)
        if not delays:
            logger.warning("Exact unavailable for %s: %s", what, failure)
            raise ExactUnavailable(f"{what}: {failure}")
        logger.info("Exact call %s failed (%s), retrying", what, failure)
        time.sleep(delays.pop(0))


def _max_wait() -> float:
    return settings.EXACT_RATE_LIMIT_MAX_WAIT


def get(*, access_token: str, path: str, division: int | str, params: dict[str, str] | None = None) -> dict:
    """GET ``/api/v1/<path>`` (or a full ``__next`` URL on Exact's host) and return the JSON."""
    return _call("GET", access_token=access_token, path=path, division=division, params=params)


def post(*, access_token: str, path: str, division: int | str, body: dict) -> dict:
    """POST a new record to ``/api/v1/<path>``; the created record (``{"d": {…}}``)."""
    return _call("POST", access_token=access_token, path=path, division=division, body=body)


def get_list(*, access_token: str, path: str, division: int | str, params: dict[str, str] | None = None) -> list:
    """All rows of an OData list, following ``__next`` (60 rows a page) on Exact's host only."""
    rows: list[dict] = []
    payload = get(access_token=access_token, path=path, division=division, params=params)
    for _page in range(200):  # 12,000 rows at most: far beyond any list the koppeling reads
        data = payload.get("d") or {}
        results = data.get("results") if isinstance(data, dict) else data
        rows.extend(row for row in (results or []) if isinstance(row, dict))
        next_url = data.get("__next") if isinstance(data, dict) else None
        if not next_url:
            return rows
        if not str(next_url).startswith(base_url() + "/"):
            raise ExactError("a __next link outside Exact's host was refused")
        payload = get(access_token=access_token, path=str(next_url), division=division)
    raise ExactError(f"{path}: too many pages")


# --- the calls the koppeling makes ------------------------------------------------------------


def me(*, access_token: str) -> Me:
    rows = get_list(access_token=access_token, path="current/Me", division="me")
    if not rows:
        raise ExactError("current/Me: empty")
    row = rows[0]
    division = row.get("CurrentDivision")
    return Me(
        user_id=str(row.get("UserID") or "")[:64],
        user_name=str(row.get("UserName") or "")[:200],
        full_name=str(row.get("FullName") or "")[:200],
        current_division=int(division) if isinstance(division, int) or str(division).isdigit() else None,
    )


def divisions(*, access_token: str, current_division: int) -> list[Option]:
    rows = get_list(
        access_token=access_token,
        path=f"{current_division}/system/Divisions",
        division=current_division,
        params={"$select": "Code,Description"},
    )
    return [
        Option(code=str(row["Code"]), name=str(row.get("Description") or "")[:200]) for row in rows if "Code" in row
    ]


def sales_journals(*, access_token: str, division: int) -> list[Option]:
    rows = get_list(
        access_token=access_token,
        path=f"{division}/financial/Journals",
        division=division,
        params={"$select": "Code,Description,Type", "$filter": "Type eq 20"},
    )
    return [_option(row) for row in rows if "Code" in row and row.get("Type") in (20, "20", None)]


def vat_codes(*, access_token: str, division: int) -> list[Option]:
    rows = get_list(
        access_token=access_token,
        path=f"{division}/vat/VATCodes",
        division=division,
        params={"$select": "Code,Description,Percentage"},
    )
    return [
        Option(
            code=_option(row).code,
            name=_option(row).name,
            rate=str(row["Percentage"]) if isinstance(row.get("Percentage"), int | float) else "",
        )
        for row in rows
        if "Code" in row
    ]


def gl_accounts(*, access_token: str, division: int) -> list[Option]:
    rows = get_list(
        access_token=access_token,
        path=f"{division}/financial/GLAccounts",
        division=division,
        params={"$select": "Code,Description"},
    )
    return [_option(row) for row in rows if "Code" in row]


def _option(row: dict) -> Option:
    return Option(code=str(row["Code"]).strip()[:20], name=str(row.get("Description") or "")[:200])


# --- writing into Exact: relations, articles, sales invoices, payment status ------------------

ACCOUNT_CODE_WIDTH = 18  # Exact keeps relation codes right-aligned in 18 characters


@dataclass(frozen=True)
class ExactAccount:
    id: str
    code: str  # without Exact's leading spaces
    name: str
    email: str


@dataclass(frozen=True)
class ExactItem:
    id: str
    code: str
    description: str


@dataclass(frozen=True)
class InvoiceLine:
    """One line of a sales invoice: ``item_id`` is the article's Exact ID (``ExactItem.id``),
    ``net_price`` the price per unit excluding VAT, ``vat_code`` an Exact VAT code."""

    item_id: str
    quantity: Decimal
    net_price: Decimal
    vat_code: str
    description: str = ""


@dataclass(frozen=True)
class ExactSalesInvoice:
    id: str
    number: int | None
    your_ref: str
    journal: str
    status: int | None  # 20 open, 50 processed
    amount: Decimal | None  # including VAT
    amount_excl_vat: Decimal | None


class PaymentState(StrEnum):
    UNBOOKED = "unbooked"  # not processed in Exact yet: no receivable (yet)
    OPEN = "open"
    PAID = "paid"


@dataclass(frozen=True)
class PaymentStatus:
    state: PaymentState
    amount: Decimal | None = None  # the receivable's amount, including VAT
    last_payment_date: date | None = None


def _quote(value: str) -> str:
    """An OData string literal: in single quotes, a quote inside doubled."""
    return "'" + value.replace("'", "''") + "'"


def account_code(code: str) -> str:
    """Exact's form of a relation code: digits, right-aligned with leading spaces in 18
    characters. A ``$filter`` on Code must use this form or it matches nothing."""
    code = code.strip()
    if not code.isdigit() or len(code) > ACCOUNT_CODE_WIDTH:
        raise ValueError("an Exact relation code is at most 18 digits")
    return code.rjust(ACCOUNT_CODE_WIDTH)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


_EXACT_DATE = re.compile(r"^/Date\((-?\d+)\)/$")


def _date(value: Any) -> date | None:
    match = _EXACT_DATE.match(value) if isinstance(value, str) else None
    return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date() if match else None


def _entity(payload: dict, what: str) -> dict:
    """The created record of a POST answer (``{"d": {…}}``); a 2xx without one leaves the
    outcome unknown."""
    entity = payload.get("d")
    if isinstance(entity, dict) and isinstance(entity.get("results"), list) and len(entity["results"]) == 1:
        entity = entity["results"][0]
    if not isinstance(entity, dict):
        raise ExactAmbiguous(f"{what}: the answer holds no record")
    return entity


def _account(row: dict) -> ExactAccount:
    return ExactAccount(
        id=str(row.get("ID") or ""),
        code=str(row.get("Code") or "").strip(),
        name=str(row.get("Name") or ""),
        email=str(row.get("Email") or ""),
    )


def find_account(
    *, access_token: str, division: int, code: str | None = None, email: str | None = None
) -> ExactAccount | None:
    """The relation with this code (digits) or, without a code, this e-mail address; the
    first Exact lists when more match. None when there is none."""
    if (code is None) == (email is None):
        raise ValueError("give a code or an e-mail address")
    condition = f"Code eq {_quote(account_code(code))}" if code is not None else f"Email eq {_quote(email)}"
    rows = get_list(
        access_token=access_token,
        path=f"{division}/crm/Accounts",
        division=division,
        params={"$filter": condition, "$select": "ID,Code,Name,Email"},
    )
    return _account(rows[0]) if rows else None


def create_account(
    *,
    access_token: str,
    division: int,
    name: str,
    email: str = "",
    code: str = "",
    phone: str = "",
    address_line: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "",
    vat_number: str = "",
) -> ExactAccount:
    """Create a customer (``Status`` C). Without ``code`` Exact gives the next free number.
    May raise ExactAmbiguous: then look it up (``find_account``) before creating again."""
    body = {"Name": name, "Status": "C"}
    optional = {
        "Email": email,
        "Code": account_code(code) if code else "",
        "Phone": phone,
        "AddressLine1": address_line,
        "Postcode": postcode,
        "City": city,
        "Country": country.upper(),
        "VATNumber": vat_number,
    }
    body.update({key: value for key, value in optional.items() if value})
    payload = post(access_token=access_token, path=f"{division}/crm/Accounts", division=division, body=body)
    return _account(_entity(payload, "create account"))


def _item(row: dict) -> ExactItem:
    return ExactItem(
        id=str(row.get("ID") or ""), code=str(row.get("Code") or ""), description=str(row.get("Description") or "")
    )


def find_item(*, access_token: str, division: int, code: str) -> ExactItem | None:
    rows = get_list(
        access_token=access_token,
        path=f"{division}/logistics/Items",
        division=division,
        params={"$filter": f"Code eq {_quote(code)}", "$select": "ID,Code,Description"},
    )
    return _item(rows[0]) if rows else None


def create_item(*, access_token: str, division: int, code: str, description: str) -> ExactItem:
    """Create a sales article. May raise ExactAmbiguous: look it up (``find_item``) first."""
    body = {"Code": code, "Description": description, "IsSalesItem": True}
    payload = post(access_token=access_token, path=f"{division}/logistics/Items", division=division, body=body)
    return _item(_entity(payload, "create item"))


def _invoice(row: dict) -> ExactSalesInvoice:
    number = row.get("InvoiceNumber")
    status = row.get("Status")
    return ExactSalesInvoice(
        id=str(row.get("InvoiceID") or ""),
        number=number if isinstance(number, int) and not isinstance(number, bool) else None,
        your_ref=str(row.get("YourRef") or ""),
        journal=str(row.get("Journal") or ""),
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        amount=_decimal(row.get("AmountFC")),
        amount_excl_vat=_decimal(row.get("AmountFCExclVat")),
    )


_INVOICE_FIELDS = "InvoiceID,InvoiceNumber,YourRef,Journal,Status,AmountFC,AmountFCExclVat"


def find_sales_invoices(*, access_token: str, division: int, your_ref: str) -> list[ExactSalesInvoice]:
    """Every sales invoice with this ``YourRef`` (the webshop's order number), oldest first."""
    rows = get_list(
        access_token=access_token,
        path=f"{division}/salesinvoice/SalesInvoices",
        division=division,
        params={"$filter": f"YourRef eq {_quote(your_ref)}", "$select": _INVOICE_FIELDS},
    )
    return [_invoice(row) for row in rows]


def find_sales_invoice(*, access_token: str, division: int, your_ref: str) -> ExactSalesInvoice | None:
    found = find_sales_invoices(access_token=access_token, division=division, your_ref=your_ref)
    return found[0] if found else None


def create_sales_invoice(
    *,
    access_token: str,
    division: int,
    ordered_by: str,
    journal: str,
    your_ref: str,
    lines: Sequence[InvoiceLine],
    invoice_date: date | None = None,
    description: str = "",
) -> ExactSalesInvoice:
    """Create a sales invoice with its lines in one POST (``ordered_by``: the relation's ID).

    Exact has no idempotency keys: on ExactAmbiguous the invoice may exist. Look it up with
    ``find_sales_invoice(your_ref=…)`` before creating it again."""
    if not lines:
        raise ValueError("a sales invoice needs at least one line")
    body: dict[str, Any] = {
        "OrderedBy": ordered_by,
        "Journal": journal,
        "YourRef": your_ref,
        "SalesInvoiceLines": [
            {
                "Item": line.item_id,
                "Quantity": float(line.quantity),
                "NetPrice": float(line.net_price),
                "VATCode": line.vat_code,
                **({"Description": line.description} if line.description else {}),
            }
            for line in lines
        ],
    }
    if invoice_date is not None:
        body["InvoiceDate"] = invoice_date.isoformat()  # zone-less, as Exact wants dates
    if description:
        body["Description"] = description
    payload = post(
        access_token=access_token, path=f"{division}/salesinvoice/SalesInvoices", division=division, body=body
    )
    return _invoice(_entity(payload, "create sales invoice"))


def payment_status(*, access_token: str, division: int, invoice_number: int, journal: str) -> PaymentStatus:
    """What Exact says about the payment of a sales invoice, read from its receivable
    (``cashflow/Receivables`` by invoice number and journal): unbooked while the invoice is
    not processed (no receivable), paid when ``IsFullyPaid``, otherwise open."""
    rows = get_list(
        access_token=access_token,
        path=f"{division}/cashflow/Receivables",
        division=division,
        params={
            "$filter": f"InvoiceNumber eq {int(invoice_number)} and Journal eq {_quote(journal)}",
            "$select": "ID,AmountDC,IsFullyPaid,LastPaymentDate",
        },
    )
    if not rows:
        return PaymentStatus(state=PaymentState.UNBOOKED)
    paid = all(row.get("IsFullyPaid") is True for row in rows)
    amounts = [_decimal(row.get("AmountDC")) for row in rows]
    last = max((d for d in (_date(row.get("LastPaymentDate")) for row in rows) if d), default=None)
    return PaymentStatus(
        state=PaymentState.PAID if paid else PaymentState.OPEN,
        amount=sum((a for a in amounts if a is not None), Decimal("0"))
        if any(a is not None for a in amounts)
        else None,
        last_payment_date=last,
    )
