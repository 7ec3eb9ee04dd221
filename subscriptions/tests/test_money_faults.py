"""Money under faults (issue 17, item 6): each failure a fault-injection run found,
reproduced first and then held fixed. A lost push repaired by reconciliation; billing
tasks that retry database errors; a payment paid after its subscription ended; closing
and webhooks racing for the same customer."""

from __future__ import annotations

import pytest

from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import MollieSubscription, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db


def _paid_without_push(make_user, plan) -> Subscription:
    """A subscription activated by its paid first payment whose push to Mollie was lost
    (the worker that ran it died in a database outage): active, no Mollie subscription."""
    controls.add_fault("webhook_drop", count=10)
    payment = services.subscription_start(user=make_user(), plan=plan)
    services.first_payment_checkout(payment=payment)
    payment.refresh_from_db()
    checkout(payment.checkout_url, "paid")
    with pytest.MonkeyPatch.context() as lost:
        lost.setattr("subscriptions.services.payments.push_later", lambda subscription: None)
        services.payment_sync(mollie_id=payment.mollie_id)
    return Subscription.objects.get(pk=payment.subscription_id)


def test_reconciliation_pushes_an_active_subscription_that_has_no_mollie_subscription(mollie_sandbox, make_user, plan):
    subscription = _paid_without_push(make_user, plan)
    assert subscription.status == Subscription.Status.ACTIVE
    assert not MollieSubscription.objects.exists()
    assert not SandboxObject.objects.filter(kind="subscription").exists()  # never charged again

    report = services.reconcile()
    assert report.mollie_subscriptions_changed == 1 and not report.errors
    link = MollieSubscription.objects.get(subscription=subscription)
    remote = SandboxObject.objects.get(kind="subscription", pk=link.mollie_id)
    assert remote.data["status"] == "active"
    assert remote.data["startDate"] == subscription.current_period_end.isoformat()
    assert services.reconcile().changes == 0  # the next run finds nothing to do


def test_reconciliation_also_pushes_when_every_earlier_mollie_subscription_was_cancelled(
    mollie_sandbox, make_user, plan
):
    """Cancelled, undone, and the new push lost: only cancelled links are left."""
    subscription = _paid_without_push(make_user, plan)
    services.reconcile()
    link = MollieSubscription.objects.get(subscription=subscription)
    services.subscription_cancel_at_period_end(subscription=subscription, by=subscription.user)
    link.refresh_from_db()
    assert link.canceled_at is not None
    with pytest.MonkeyPatch.context() as lost:
        lost.setattr("subscriptions.services.cancellation.push_later", lambda subscription: None)
        services.subscription_cancel_undo(subscription=subscription, by=subscription.user)
    assert subscription.active_remote() is None

    report = services.reconcile()
    assert report.mollie_subscriptions_changed == 1 and not report.errors
    live = MollieSubscription.objects.filter(subscription=subscription, canceled_at__isnull=True)
    assert live.count() == 1
    assert SandboxObject.objects.get(kind="subscription", pk=live.get().mollie_id).data["status"] == "active"
    assert Payment.objects.filter(subscription=subscription).count() == 1
