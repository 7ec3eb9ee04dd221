"""The metrics' Mollie webhook lag: from the web process taking the webhook to the worker
having applied the payment it announced."""

from __future__ import annotations

import time

import pytest

from core import metrics as shared
from portal.testing.metrics import scrape
from subscriptions.models import Payment
from subscriptions.tasks import process_webhook
from subscriptions.tests.conftest import checkout

LAG = "portal_mollie_webhook_lag_seconds"


@pytest.fixture(autouse=True)
def _fresh_counters():
    shared.reset_for_tests()
    yield
    shared.reset_for_tests()


@pytest.mark.django_db
def test_a_webhook_applied_is_one_observation_of_the_lag(client, subscribe):
    assert scrape(client).value(f"{LAG}_count") == 0
    response, payment = subscribe()
    checkout(response["Location"], "paid")  # the sandbox calls the webhook; the task runs in process
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    samples = scrape(client)
    assert samples.value(f"{LAG}_count") == 1
    assert samples.value(f"{LAG}_bucket", le="5.0") == 1  # in process: well within seconds


@pytest.mark.django_db
def test_the_lag_counts_from_when_the_webhook_came_in(client, subscribe):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    before = scrape(client).value(f"{LAG}_count")
    process_webhook(payment.mollie_id, received_at=time.time() - 42)  # say the queue held it 42 s
    samples = scrape(client)
    assert samples.value(f"{LAG}_count") == before + 1
    assert samples.value(f"{LAG}_bucket", le="30.0") == before
    assert samples.value(f"{LAG}_bucket", le="60.0") == before + 1
    assert 42 <= samples.value(f"{LAG}_sum") < 45
