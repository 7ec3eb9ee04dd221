"""The Exact Online sandbox speaks as Exact does: OAuth errors, single-use codes and refresh
tokens, 10-minute access tokens, 401/403 on the API, rate limit headers, paging."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from exact_sandbox import engine

REDIRECT = "https://portal.example.nl/portal/koppeling/exact/callback/"
TOKEN = "/sandbox/exact/api/oauth2/token"


def _code(client: Client, user: str = "demo") -> str:
    answer = client.post(
        "/sandbox/exact/api/oauth2/auth",
        {
            "client_id": settings.EXACT_SANDBOX_CLIENT_ID,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "state": "s1",
            "user": user,
            "decision": "allow",
        },
    )
    assert answer.status_code == HTTPStatus.FOUND
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def _token(client: Client, **form) -> tuple[int, dict]:
    body = {
        "client_id": settings.EXACT_SANDBOX_CLIENT_ID,
        "client_secret": settings.EXACT_SANDBOX_CLIENT_SECRET,
        **form,
    }
    response = client.post(TOKEN, body)
    return response.status_code, response.json()


@pytest.mark.django_db
def test_a_code_gives_one_token_pair_and_only_once(client):
    code = _code(client)
    status, pair = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert status == HTTPStatus.OK and pair["expires_in"] == "600" and pair["refresh_token"]
    status, error = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert (status, error["error"]) == (HTTPStatus.BAD_REQUEST, "invalid_grant")


@pytest.mark.django_db
def test_a_code_needs_the_same_redirect_uri_and_the_right_secret(client):
    code = _code(client)
    assert _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT + "x")[0] == 400
    status, error = _token(
        client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, client_secret="no"
    )
    assert (status, error["error"]) == (HTTPStatus.UNAUTHORIZED, "invalid_client")
    assert _token(client, grant_type="password")[1]["error"] == "unsupported_grant_type"


@pytest.mark.django_db
def test_refresh_tokens_are_single_use_and_access_tokens_last_ten_minutes(client):
    _status, pair = _token(client, grant_type="authorization_code", code=_code(client), redirect_uri=REDIRECT)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {pair['access_token']}"}
    assert client.get("/sandbox/exact/api/v1/current/Me", **auth).status_code == HTTPStatus.OK
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        assert client.get("/sandbox/exact/api/v1/current/Me", **auth).status_code == HTTPStatus.UNAUTHORIZED
        status, fresh = _token(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
        assert status == HTTPStatus.OK and fresh["refresh_token"] != pair["refresh_token"]
        status, error = _token(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
        assert (status, error["error"]) == (HTTPStatus.BAD_REQUEST, "invalid_grant")
    assert engine.refresh_count() == 1


@pytest.mark.django_db
def test_a_refresh_is_refused_until_thirty_seconds_before_the_access_token_expires(client):
    """Exact: a new access token only 570 seconds after the previous one. The refresh token
    survives a refusal."""
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _status, pair = _token(client, grant_type="authorization_code", code=_code(client), redirect_uri=REDIRECT)
    with time_machine.travel(now + timedelta(seconds=569), tick=False):
        status, error = _token(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert (status, error["error"]) == (HTTPStatus.BAD_REQUEST, "invalid_request")
    assert "not expired" in error["error_description"] and "1 seconds" in error["error_description"]
    with time_machine.travel(now + timedelta(seconds=570), tick=False):
        status, fresh = _token(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert status == HTTPStatus.OK and fresh["access_token"] != pair["access_token"]
    assert engine.refresh_count() == 1


@pytest.mark.django_db
def test_the_api_answers_with_rate_limit_headers_pages_and_403_for_foreign_divisions(client):
    _status, pair = _token(client, grant_type="authorization_code", code=_code(client), redirect_uri=REDIRECT)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {pair['access_token']}"}
    me = client.get("/sandbox/exact/api/v1/current/Me", **auth)
    assert me.json()["d"]["results"][0]["CurrentDivision"] == 1001
    assert int(me["X-RateLimit-Minutely-Remaining"]) < engine.MINUTE_LIMIT
    assert me["X-RateLimit-Minutely-Reset"].isdigit() and me["X-RateLimit-Reset"].isdigit()
    accounts = client.get("/sandbox/exact/api/v1/1001/financial/GLAccounts", **auth).json()["d"]
    assert len(accounts["results"]) == 60 and "$skiptoken=60" in accounts["__next"]
    assert client.get("/sandbox/exact/api/v1/1003/vat/VATCodes", **auth).status_code == HTTPStatus.FORBIDDEN
    assert client.get("/sandbox/exact/api/v1/1001/unknown/Thing", **auth).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_the_authorize_page_refuses_an_unknown_client_or_redirect(client):
    base = {"client_id": settings.EXACT_SANDBOX_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code"}
    assert client.get("/sandbox/exact/api/oauth2/auth", base).status_code == HTTPStatus.OK
    for bad in ({"client_id": "x"}, {"redirect_uri": "javascript:alert(1)"}, {"response_type": "token"}):
        assert client.get("/sandbox/exact/api/oauth2/auth", {**base, **bad}).status_code == HTTPStatus.BAD_REQUEST
