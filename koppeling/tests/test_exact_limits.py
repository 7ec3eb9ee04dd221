"""Exact's minute and day budgets, reported on every answer and kept per administration for
the engine to budget with (``exact.rate_limits``); the sandbox's clock compressed so "a day"
passes in seconds; a client that reads the headers causes no 429."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from exact_sandbox import engine
from koppeling import exact, services
from koppeling.models import Connection
from koppeling.tests.conftest import connect

pytestmark = pytest.mark.usefixtures("exact_sandbox")

DIVISION = 1001


@pytest.fixture
def token(browser_client, customer) -> str:
    connect(browser_client)
    return services.connection_access_token(connection_id=Connection.objects.get(user=customer).pk)


def _sandbox_day_count(division: int = DIVISION) -> int:
    config = engine.settings_get()
    day = int(time.time() // config.day_seconds)
    return cache.get(f"exact-sandbox:rate:{exact.client_id()}:{division}:d{day}") or 0


def test_every_answer_tells_the_client_the_administrations_budgets(token):
    exact.find_item(access_token=token, division=DIVISION, code="X")
    limits = exact.rate_limits(division=DIVISION)
    now = datetime.now(tz=UTC)
    assert (limits.minute_limit, limits.day_limit) == (60, 5000)
    assert 0 < limits.minute_remaining < 60 and 0 < limits.day_remaining < 5000
    assert now < limits.minute_reset_at <= now + timedelta(seconds=60)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert limits.day_reset_at == tomorrow  # the day's budget resets at midnight (UTC here)
    assert now - timedelta(seconds=5) < limits.seen_at <= now
    assert exact.rate_limits(division=1002) is None  # each administration has its own budget


def test_on_a_compressed_clock_a_client_that_reads_the_headers_spends_the_day_without_a_429(token, settings):
    """4 calls a 2-second "minute", 10 a 30-second "day": the client waits for each minute
    and stops at the day's end without calling; the sandbox counted exactly 10 calls, so
    none was answered 429 (a refused call is counted too, and retried)."""
    settings.EXACT_RATE_LIMIT_MAX_WAIT = 3
    engine.limits_set(minute_limit=4, minute_seconds=2, day_limit=10, day_seconds=30)
    cache.delete_many([exact._limit_key(DIVISION), exact._daily_key(DIVISION)])  # from the connect's calls
    day_start = (int(time.time()) // 30 + 1) * 30
    with time_machine.travel(day_start + 0.05, tick=True):
        started = time.monotonic()
        for _ in range(10):
            exact.find_item(access_token=token, division=DIVISION, code="X")
        elapsed = time.monotonic() - started
        with pytest.raises(exact.ExactRateLimited) as caught:
            exact.find_item(access_token=token, division=DIVISION, code="X")
        assert _sandbox_day_count() == 10
    assert caught.value.scope == "day" and 0 < caught.value.retry_after <= 30
    assert caught.value.reset_at == datetime.fromtimestamp(day_start + 30, tz=UTC)
    assert elapsed >= 3.5  # three minutes' worth of calls: two waits for a reset


def test_a_client_that_ignores_the_headers_gets_429_for_the_day(token):
    engine.limits_set(day_limit=3, day_seconds=3600)
    for _ in range(3):
        cache.delete(exact._daily_key(DIVISION))  # forget what Exact said, as a careless client
        try:
            exact.find_item(access_token=token, division=DIVISION, code="X")
        except exact.ExactRateLimited:
            break  # the connect made calls in this "day" too
    cache.delete(exact._daily_key(DIVISION))
    with pytest.raises(exact.ExactRateLimited) as caught:
        exact.find_item(access_token=token, division=DIVISION, code="X")
    assert caught.value.scope == "day" and not isinstance(caught.value, exact.ExactBlocked)
    day_end = (int(time.time()) // 3600 + 1) * 3600
    assert caught.value.reset_at == datetime.fromtimestamp(day_end, tz=UTC)
    assert exact.rate_limits(division=DIVISION).day_remaining == 0


def test_with_the_limits_off_there_are_no_headers_and_no_429(token):
    engine.limits_set(limits_on=False)
    cache.clear()
    for _ in range(engine.MINUTE_LIMIT + 5):
        exact.find_item(access_token=token, division=DIVISION, code="X")
    assert exact.rate_limits(division=DIVISION) is None


def test_the_limits_come_back_after_a_reset(token):
    engine.limits_set(limits_on=False, minute_limit=1)
    engine.reset()
    exact.find_item(access_token=token, division=DIVISION, code="X")
    assert exact.rate_limits(division=DIVISION).minute_limit == 60
