"""The sandbox calls webhooks as Mollie does: after the change, and again on Mollie's
schedule when the portal does not answer 2xx."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mollie_sandbox import controls, engine
from mollie_sandbox.models import SandboxWebhook
from subscriptions import mollie

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failing_webhook_is_retried_on_mollies_schedule_then_given_up(mollie_sandbox):
    client = mollie.client()
    payment = client.payments.create(
        {
            "amount": {"currency": "EUR", "value": "1.00"},
            "description": "x",
            "redirectUrl": "https://x.example/",
            "webhookUrl": mollie_sandbox.url + "/geen-webhook-hier/",
        }
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        controls.set_status(payment.id, "paid")
        webhook = SandboxWebhook.objects.get(object_id=payment.id)
        assert (webhook.status, webhook.attempts, webhook.last_response_status) == ("retrying", 1, 404)
        waited = []
        for _ in range(9):
            due = webhook.next_attempt_at
            waited.append(round((due - timezone.now()).total_seconds()))
            clock.move_to(due - timedelta(seconds=1))
            assert engine.webhooks_deliver_due() == 0  # not yet
            clock.move_to(due)
            assert engine.webhooks_deliver_due() == 1
            webhook.refresh_from_db()
    assert waited == [60, 180, 420, 900, 1860, 3600, 7200, 14400, 93600]
    assert (webhook.status, webhook.attempts) == ("gave_up", 10)


def test_a_webhook_is_sent_once_answered_200(mollie_sandbox):
    """The portal's webhook answers 200 for any well-formed id (known or not)."""
    payment = mollie.client().payments.create(
        {
            "amount": {"currency": "EUR", "value": "1.00"},
            "description": "x",
            "redirectUrl": "https://x.example/",
            "webhookUrl": mollie_sandbox.url + "/webhooks/mollie/",
        }
    )
    controls.set_status(payment.id, "failed")
    webhook = SandboxWebhook.objects.get(object_id=payment.id)
    assert (webhook.status, webhook.attempts, webhook.last_response_status) == ("delivered", 1, 200)
