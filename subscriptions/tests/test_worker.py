"""With a real Celery worker: the sandbox's webhook call, our webhook view, the task that
fetches the payment and the follow-up that schedules the charges all run asynchronously."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta

from mollie_sandbox import controls
from mollie_sandbox.models import SandboxWebhook
from subscriptions.models import MollieSubscription, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_paid_checkout_activates_the_subscription_through_the_worker(sandbox_worker, subscribe):
    response, payment = subscribe()
    paid = checkout(response["Location"], "paid")
    assert paid.status_code == 302
    # The checkout answered before anything was applied: the webhook is still to come.
    sandbox_worker.wait_until(
        lambda: SandboxWebhook.objects.filter(object_id=payment.mollie_id, status="delivered").exists()
    )
    sandbox_worker.wait_until(lambda: Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID)
    sandbox_worker.wait_until(
        lambda: MollieSubscription.objects.filter(subscription_id=payment.subscription_id).exists()
    )
    assert Subscription.objects.get(pk=payment.subscription_id).status == Subscription.Status.ACTIVE


def test_recurring_charges_arrive_through_the_worker_even_out_of_order(sandbox_worker, subscribe):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    link = sandbox_worker.wait_until(
        lambda: MollieSubscription.objects.filter(subscription_id=payment.subscription_id).first()
    )
    first_end = Subscription.objects.get(pk=payment.subscription_id).current_period_end
    controls.add_fault("webhook_hold", count=3)
    charges = [controls.charge(link.mollie_id) for _ in range(3)]
    assert controls.add_fault("webhook_duplicate", count=3)
    from mollie_sandbox import engine

    assert engine.webhook_release_held(order="reverse") == 3
    ids = {c.id for c in charges}
    sandbox_worker.wait_until(lambda: Payment.objects.filter(mollie_id__in=ids, status="paid").count() == 3, timeout=30)
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    # Three charges, each paying one more month, whatever the order they were applied in.
    expected = first_end
    for _ in range(3):
        expected += relativedelta(months=1)
    assert subscription.current_period_end == expected
