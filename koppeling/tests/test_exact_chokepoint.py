"""The chokepoint to Exact: rate limit headers respected, 429 with Retry-After, retries of
GETs after 5xx and timeouts, never a retry of the token endpoint, never a token sent to
another host."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import cache

from exact_sandbox import engine
from exact_sandbox.models import SandboxFault
from koppeling import exact, services
from koppeling.models import Connection
from koppeling.tests.conftest import connect, subscribe

pytestmark = pytest.mark.usefixtures("exact_sandbox")


@pytest.fixture
def token(browser_client, customer) -> str:
    connect(browser_client)
    return services.connection_access_token(connection_id=Connection.objects.get(user=customer).pk)


def test_a_429_with_a_short_retry_after_is_waited_out_and_retried(token):
    engine.fault_add("rate_limit", seconds=1)
    started = time.monotonic()
    journals = exact.sales_journals(access_token=token, division=1001)
    assert time.monotonic() - started >= 1
    assert [j.code for j in journals] == ["70", "71"]
    assert not SandboxFault.objects.exists()


def test_a_429_with_a_long_retry_after_says_how_long_to_wait(token):
    engine.fault_add("rate_limit", seconds=45)
    with pytest.raises(exact.ExactRateLimited) as caught:
        exact.sales_journals(access_token=token, division=1001)
    assert caught.value.retry_after == 45


def test_the_settings_page_explains_a_rate_limit_instead_of_failing(browser_client, customer, token):
    subscribe(customer)
    engine.fault_add("rate_limit", seconds=45)
    response = browser_client.post("/portal/koppeling/instellingen/vernieuwen/", follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "te veel verzoeken" in response.content.decode()
    assert "45 seconden" in response.content.decode()


def test_the_minute_budget_from_the_headers_is_respected_before_calling(token, settings):
    exact.vat_codes(access_token=token, division=1001)
    key = exact._limit_key(1001)
    remaining, reset = cache.get(key)
    assert 0 < remaining < engine.MINUTE_LIMIT and reset > time.time() * 1000  # the connect used some
    # Exact said the minute's budget is spent and resets in a minute: no call is made.
    cache.set(key, (0, int((time.time() + 60) * 1000)), timeout=60)
    engine.fault_add("server_error")  # would be consumed by a call
    with pytest.raises(exact.ExactRateLimited):
        exact.vat_codes(access_token=token, division=1001)
    assert SandboxFault.objects.get().remaining == 1


def test_a_spent_daily_budget_stops_calls_until_it_resets(token):
    exact.vat_codes(access_token=token, division=1001)
    remaining, reset = cache.get(exact._daily_key(1001))
    assert 0 < remaining <= engine.DAILY_LIMIT and reset > time.time() * 1000
    cache.set(exact._daily_key(1001), (0, int((time.time() + 3600) * 1000)), timeout=3600)
    engine.fault_add("server_error")
    with pytest.raises(exact.ExactRateLimited) as caught:
        exact.vat_codes(access_token=token, division=1001)
    assert caught.value.retry_after > 3000
    assert SandboxFault.objects.get().remaining == 1  # no call was made


def test_the_sandbox_answers_429_beyond_sixty_calls_a_minute(token, settings):
    settings.EXACT_RATE_LIMIT_MAX_WAIT = 0
    # The sandbox counts per clock minute, as Exact does: start the 61 calls at the start of
    # one, so a loaded machine cannot spread them over two minutes.
    next_minute = (int(time.time()) // 60 + 1) * 60
    with time_machine.travel(next_minute + 0.5, tick=True), pytest.raises(exact.ExactRateLimited):
        for _ in range(engine.MINUTE_LIMIT + 1):
            cache.delete(exact._limit_key(1001))  # make the client ignore the headers, as a careless one would
            exact.vat_codes(access_token=token, division=1001)


def test_a_get_is_retried_after_a_5xx_and_a_timeout(token):
    engine.fault_add("server_error")
    engine.fault_add("timeout", seconds=2)  # longer than the read timeout of 1 s
    codes = exact.vat_codes(access_token=token, division=1001)
    assert {c.code for c in codes} >= {"1", "2", "0"}


def test_a_get_gives_up_after_three_failures(token):
    engine.fault_add("server_error", times=3)
    with pytest.raises(exact.ExactUnavailable):
        exact.vat_codes(access_token=token, division=1001)


def test_the_token_endpoint_is_never_retried(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    engine.fault_add("token_server_error", times=2)
    with pytest.raises(exact.ExactUnavailable):
        exact.refresh(refresh_token=connection.refresh_token())
    assert SandboxFault.objects.get().remaining == 1  # one call, not two


def test_a_next_link_to_another_host_is_not_followed(token, monkeypatch):
    calls = []
    original = exact.get

    def fake_get(**kwargs):
        calls.append(kwargs["path"])
        if len(calls) == 1:
            return {"d": {"results": [{"Code": "1"}], "__next": "https://evil.example/steal"}}
        return original(**kwargs)

    monkeypatch.setattr(exact, "get", fake_get)
    with pytest.raises(exact.ExactError):
        exact.get_list(access_token=token, path="1001/vat/VATCodes", division=1001)
    assert calls == ["1001/vat/VATCodes"]


def test_tokens_are_hidden_from_repr():
    pair = exact.TokenPair(access_token="geheim-a", refresh_token="geheim-r", expires_at=None)
    assert "geheim" not in repr(pair)
