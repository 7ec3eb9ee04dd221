"""The authorization code is bound to the flow that asked for it. Exact's OAuth has no PKCE
(docs/koppeling.md), so a stolen code is stopped by the rest: the state is bound to the
session that pressed "Verbinden" and used once; the code is used once, lives three minutes,
and is exchanged only with our client secret and the exact redirect URI it was issued for."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from koppeling.models import Connection
from koppeling.tests.conftest import authorize_at_sandbox

pytestmark = pytest.mark.usefixtures("exact_sandbox")


def _state_of(client: Client) -> str:
    """Press "Verbinden": the state the portal put in this session."""
    start = client.post("/portal/koppeling/verbinden/")
    return parse_qs(urlsplit(start["Location"]).query)["state"][0]


def _code_of(callback: str) -> str:
    return parse_qs(urlsplit(callback).query)["code"][0]


def test_a_used_code_replayed_in_another_customers_own_flow_is_refused(browser_client, customer, make_user):
    callback = authorize_at_sandbox(browser_client)
    assert browser_client.get(callback).status_code == HTTPStatus.FOUND  # the customer's flow used it
    attacker = Client()
    attacker.force_login(make_user("ander"))
    state = _state_of(attacker)  # a valid state, in the attacker's own session
    response = attacker.get("/portal/koppeling/exact/callback/", {"state": state, "code": _code_of(callback)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "verlopen of al gebruikt" in response.content.decode()
    assert list(Connection.objects.values_list("user__username", flat=True)) == ["jansen"]


def test_a_code_issued_for_another_redirect_uri_is_refused(browser_client, customer):
    sandbox = Client()
    answer = sandbox.post(
        "/sandbox/exact/api/oauth2/auth",
        {
            "client_id": settings.EXACT_SANDBOX_CLIENT_ID,
            "redirect_uri": "https://elders.example/callback",
            "response_type": "code",
            "state": "x",
            "user": "demo",
            "decision": "allow",
        },
    )
    foreign_code = _code_of(answer["Location"])
    state = _state_of(browser_client)
    response = browser_client.get("/portal/koppeling/exact/callback/", {"state": state, "code": foreign_code})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Connection.objects.exists()


def test_a_code_older_than_three_minutes_is_refused(browser_client, customer):
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        callback = authorize_at_sandbox(browser_client)
        traveller.shift(timedelta(minutes=3, seconds=5))  # the state (10 minutes) is still good
        response = browser_client.get(callback)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "verlopen of al gebruikt" in response.content.decode()
    assert not Connection.objects.exists()


def test_only_the_latest_flow_of_a_session_can_complete(browser_client, customer):
    first = authorize_at_sandbox(browser_client)
    second = authorize_at_sandbox(browser_client)  # "Verbinden" pressed again: a new state
    assert browser_client.get(first).status_code == HTTPStatus.BAD_REQUEST
    assert not Connection.objects.exists()
    # The refusal used up the session's state: the second flow must start again too.
    assert browser_client.get(second).status_code == HTTPStatus.BAD_REQUEST


def test_a_code_without_the_state_of_its_flow_is_refused(browser_client, customer):
    callback = authorize_at_sandbox(browser_client)
    response = browser_client.get("/portal/koppeling/exact/callback/", {"code": _code_of(callback)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Connection.objects.exists()
