"""The only module that talks to Exact Online.

* Timeouts on every call (``EXACT_TIMEOUT``).
* Retries only where safe: a GET is retried after a network error, a timeout or a 5xx;
  the token endpoint never is (an authorization code is single use, and a refresh whose
  answer was lost may already have replaced the refresh token at Exact).
* Exact's rate limit is respected: the ``X-RateLimit-Minutely-*`` headers of each answer are
  remembered per administration (in the shared cache), a call waits for the minute to reset
  when that is close, and a 429 is retried once after ``Retry-After`` if that is short.
  Otherwise :class:`ExactRateLimited` says how long to wait.
* Tokens travel only in the ``Authorization`` header and the token request body; they are
  never logged, and the records returned here hide them from ``repr``.
* ``__next`` links are followed only on Exact's own host, so a token is never sent elsewhere.

In development and tests without ``EXACT_CLIENT_ID`` the project's sandbox
(``exact_sandbox``, at ``SITE_URL/sandbox/exact``) stands in for Exact Online.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


class ExactError(Exception):
    """Exact refused the request (a 4xx we cannot fix by trying again)."""


class ExactUnavailable(ExactError):
    """Exact could not be reached or kept failing; nothing is known about the outcome."""


class ExactRateLimited(ExactUnavailable):
    """Over Exact's rate limit: try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ExactGrantError(ExactError):
    """The token endpoint refused the grant (``invalid_grant``: code or refresh token no
    longer valid; the customer must connect again)."""

    def __init__(self, error: str) -> None:
        super().__init__(f"token endpoint: {error}")
        self.error = error


class ExactUnauthorized(ExactError):
    """The API refused the access token (expired or revoked)."""


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

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name}


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


# --- tokens -----------------------------------------------------------------------------------


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


def exchange_code(*, code: str) -> TokenPair:
    """Trade the authorization code from the callback for the first token pair."""
    return _token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri()}, what="code exchange"
    )


def refresh(*, refresh_token: str) -> TokenPair:
    """A new pair; the old refresh token stops working at Exact. Never retried."""
    return _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token}, what="token refresh")


# --- the REST API -----------------------------------------------------------------------------


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _retry_after(response: requests.Response) -> int:
    raw = response.headers.get("Retry-After", "")
    if raw.strip().isdigit():
        return max(1, int(raw))
    reset = _reset_in(response.headers.get("X-RateLimit-Minutely-Reset"))
    return max(1, int(reset)) if reset is not None else 60


def _reset_in(epoch_ms: str | None) -> float | None:
    if not epoch_ms or not epoch_ms.strip().isdigit():
        return None
    return int(epoch_ms) / 1000 - time.time()


def _limit_key(division: int | str) -> str:
    return f"koppeling:exact-rate:{client_id()}:{division}"


def _remember_limit(division: int | str, response: requests.Response) -> None:
    for key, prefix in ((_limit_key(division), "X-RateLimit-Minutely-"), (_daily_key(division), "X-RateLimit-")):
        remaining = response.headers.get(prefix + "Remaining")
        reset = response.headers.get(prefix + "Reset")
        if remaining is not None and remaining.strip().isdigit() and reset and reset.strip().isdigit():
            seconds = _reset_in(reset) or 0
            cache.set(key, (int(remaining), int(reset)), timeout=max(1, int(seconds) + 1))


def _daily_key(division: int | str) -> str:
    return _limit_key(division) + ":day"


def _wait_for_limit(division: int | str, *, what: str) -> None:
    """No call while a budget is known to be spent: the day's never waits, the minute's
    waits when its reset is near."""
    daily = cache.get(_daily_key(division))
    if daily and daily[0] <= 0:
        seconds = _reset_in(str(daily[1])) or 0
        if seconds > 0:
            raise ExactRateLimited(f"{what}: daily limit spent", retry_after=int(seconds) + 1)
    known = cache.get(_limit_key(division))
    if not known or known[0] > 0:
        return
    seconds = _reset_in(str(known[1])) or 0
    if seconds <= 0:
        return
    if seconds > settings.EXACT_RATE_LIMIT_MAX_WAIT:
        raise ExactRateLimited(f"{what}: minute limit spent", retry_after=int(seconds) + 1)
    time.sleep(seconds)


def get(*, access_token: str, path: str, division: int | str, params: dict[str, str] | None = None) -> dict:
    """GET ``/api/v1/<path>`` (or a full ``__next`` URL on Exact's host) and return the JSON."""
    url = path if path.startswith(base_url() + "/") else f"{base_url()}/api/v1/{path.lstrip('/')}"
    what = urlsplit(url).path
    delays = list(settings.EXACT_RETRY_DELAYS)
    waited_for_429 = False
    while True:
        _wait_for_limit(division, what=what)
        try:
            response = _session().get(
                url,
                params=params,
                headers={"Accept": "application/json", "Authorization": f"Bearer {access_token}"},
                timeout=settings.EXACT_TIMEOUT,
            )
        except requests.RequestException as exc:
            failure: str = exc.__class__.__name__
        else:
            _remember_limit(division, response)
            if response.status_code == 200:
                payload = _json(response)
                if payload:
                    return payload
                failure = "not JSON"
            elif response.status_code == 401:
                raise ExactUnauthorized(f"{what}: 401")
            elif response.status_code == 429:
                retry_after = _retry_after(response)
                if waited_for_429 or retry_after > settings.EXACT_RATE_LIMIT_MAX_WAIT:
                    logger.info("Exact rate limit on %s: retry after %ss", what, retry_after)
                    raise ExactRateLimited(f"{what}: 429", retry_after=retry_after)
                waited_for_429 = True
                time.sleep(retry_after)
                cache.delete(_limit_key(division))  # Retry-After has passed: the budget is back
                continue
            elif response.status_code >= 500:
                failure = f"HTTP {response.status_code}"
            else:
                raise ExactError(f"{what}: HTTP {response.status_code}")
        if not delays:
            logger.warning("Exact unavailable for %s: %s", what, failure)
            raise ExactUnavailable(f"{what}: {failure}")
        logger.info("Exact call %s failed (%s), retrying", what, failure)
        time.sleep(delays.pop(0))


def get_list(*, access_token: str, path: str, division: int | str, params: dict[str, str] | None = None) -> list:
    """All rows of an OData list, following ``__next`` (60 rows a page) on Exact's host only."""
    rows: list[dict] = []
    payload = get(access_token=access_token, path=path, division=division, params=params)
    for _page in range(200):  # 12,000 rows at most: far beyond any list the settings read
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
    return [_option(row) for row in rows if "Code" in row]


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
