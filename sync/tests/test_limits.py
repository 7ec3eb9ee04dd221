"""Exact's limits are never broken (counted at the sandbox): the minute budget is waited out,
the day budget ends the run until it resets, the run stops calling an endpoint well before
Exact's error rule would block the app, and a new access token is asked for at most once per
9.5 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from exact_sandbox import engine as sandbox
from exact_sandbox.models import SandboxFault, SandboxInvoice
from koppeling import exact
from koppeling.models import Connection
from sync.models import SyncRun, SyncState
from sync.services.run import run_division
from sync.tests.conftest import DIVISION, line, make_order
from webshop.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_minute_budget_is_waited_out_never_overrun(shop, settings, sandbox_calls):
    settings.SYNC_RUN_SECONDS = 120
    sandbox.limits_set(minute_limit=8, minute_seconds=2)  # a compressed minute: 8 calls per 2 s
    for n in range(10):
        make_order(shop, f"WS-{n}", email=f"klant{n}@example.nl", lines=[line(f"SKU-{n % 2}")])
    run = run_division(user_id=shop.pk)
    assert (run.outcome, run.synced) == (SyncRun.Outcome.OK, 10)
    assert sandbox_calls.count() >= 30  # relations, articles, invoices: several windows' worth
    assert sandbox_calls.over_limit == 0


@time_machine.travel(datetime(2026, 12, 8, 10, 10, tzinfo=UTC), tick=True)  # the "day" resets at 11:00
def test_the_day_budget_ends_the_run_until_it_resets(shop, sandbox_calls):
    sandbox.limits_set(day_limit=7, day_seconds=3600)
    for n in range(5):
        make_order(shop, f"WS-{n}", email=f"klant{n}@example.nl")
    run = run_division(user_id=shop.pk)
    assert run.outcome == SyncRun.Outcome.PAUSED and "limiet" in run.message
    assert sandbox_calls.over_limit == 0 and sandbox_calls.count() == 7
    state = SyncState.objects.get(user=shop)
    assert state.backlog is True and state.next_run_at > timezone.now() + timedelta(minutes=5)  # the day's reset
    assert not Order.objects.filter(status=Order.Status.FAILED).exists()  # waiting, not failed
    again = run_division(user_id=shop.pk)  # even when started early: no call goes out
    assert again.outcome == SyncRun.Outcome.PAUSED and sandbox_calls.count() == 7


def test_the_run_stops_calling_an_endpoint_well_before_exacts_error_rule(shop, settings):
    sandbox.fault_add("validation_error", endpoint="salesinvoice/SalesInvoices", method="POST", times=20, message="Nee")
    for n in range(8):
        make_order(shop, f"WS-{n}")
    run = run_division(user_id=shop.pk)
    assert run.failed == settings.SYNC_ENDPOINT_ERROR_LIMIT
    assert run.outcome == SyncRun.Outcome.PAUSED and "te veel fouten" in run.message
    assert Order.objects.filter(status=Order.Status.RECEIVED).count() == 8 - settings.SYNC_ENDPOINT_ERROR_LIMIT
    errors = exact.error_count(division=DIVISION, endpoint="salesinvoice/SalesInvoices")
    assert errors == settings.SYNC_ENDPOINT_ERROR_LIMIT < 10  # Exact blocks past 10 an hour
    assert run_division(user_id=shop.pk).calls == 0  # the next run does not try it either
    SandboxFault.objects.all().delete()  # Exact accepts the invoices again
    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # the hour has passed
        later = run_division(user_id=shop.pk)
    assert later.synced == 8 - settings.SYNC_ENDPOINT_ERROR_LIMIT


def test_at_most_one_token_refresh_per_nine_and_a_half_minutes(shop):
    before = sandbox.refresh_count()
    start = timezone.now()
    for minute in range(0, 31):
        make_order(shop, f"WS-{minute}")
        with time_machine.travel(start + timedelta(minutes=minute)):
            SyncState.objects.filter(user=shop).update(next_run_at=None)
            run_division(user_id=shop.pk)
    assert Order.objects.filter(status=Order.Status.SYNCED).count() == 31
    assert sandbox.refresh_count() - before <= 4  # 30 minutes / 9.5 = 3.2


def test_a_refused_token_is_not_refreshed_again_within_nine_and_a_half_minutes(shop):
    connection = Connection.objects.get(user=shop)
    connection.store_tokens(
        access_token="ingetrokken", refresh_token=connection.refresh_token(), expires_at=connection.access_expires_at
    )
    connection.refreshed_at = timezone.now() - timedelta(minutes=2)
    connection.save()
    before = sandbox.refresh_count()
    make_order(shop, "WS-1")
    run = run_division(user_id=shop.pk)
    assert run.outcome == SyncRun.Outcome.FAILED and "weigerde" in run.message
    assert sandbox.refresh_count() == before
    assert SyncState.objects.get(user=shop).next_run_at >= connection.refreshed_at + timedelta(minutes=9.5)
    assert not SandboxInvoice.objects.exists()
