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


# --- a payment paid after its subscription ended ----------------------------------------------


def _at(hour: int, minute: int, second: int, microsecond: int = 0):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(2026, 3, 11, hour, minute, second, microsecond))  # noqa: DTZ001  (made aware here)


def _closed_while_paying(customer, subscribe):
    """The customer opens Mollie's checkout, closes the account while it is open (the
    closure sees an open first payment: nothing to refund), and the payment completes in
    the same second; Mollie's paidAt is whole seconds, so it lies *before* the closure's
    ``ended_at``. Returns the payment."""
    import time_machine

    from accounts.services import account_close

    with time_machine.travel(_at(12, 0, 0, 100_000), tick=False):
        response, payment = subscribe()
    with time_machine.travel(_at(12, 0, 0, 700_000), tick=False):
        account_close(user=customer, by=customer, reason="")
    with time_machine.travel(_at(12, 0, 0, 900_000), tick=False):
        checkout(response["Location"], "paid")
    payment.refresh_from_db()
    return payment


def test_a_first_payment_paid_in_the_second_the_account_closed_is_refunded_in_full_without_an_invoice(
    mollie_sandbox, customer, subscribe
):
    import time_machine
    from django.core import mail

    from subscriptions.models import CreditNote, Invoice
    from subscriptions.services import closure

    payment = _closed_while_paying(customer, subscribe)
    subscription = payment.subscription
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at < subscription.ended_at  # whole seconds: "before" the closure
    assert subscription.status == Subscription.Status.CANCELED  # not revived
    assert not MollieSubscription.objects.exists()  # nothing scheduled
    assert not Invoice.objects.filter(payment=payment).exists()  # no period delivered, no invoice
    assert not [m for m in mail.outbox if m.subject.startswith("Factuur")]
    assert payment.late_refund == Payment.LateRefund.DUE

    with time_machine.travel(_at(13, 41, 0)):  # the hourly job
        assert closure.late_charges_refund() == 1
        assert closure.late_charges_refund() == 0  # asked; Mollie reported it: nothing left
    refunds = SandboxObject.objects.filter(kind="refund")
    assert [r.data["amount"]["value"] for r in refunds] == ["35.09"]
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount
    assert payment.late_refund == Payment.LateRefund.REFUNDED
    assert not CreditNote.objects.exists()  # nothing was invoiced, so nothing is credited
    assert services.reconcile().changes == 0


def test_a_charge_paid_after_staff_ended_the_subscription_is_refunded_and_not_invoiced(mollie_sandbox, make_user, plan):
    from django.core import mail

    from subscriptions.models import Invoice
    from subscriptions.services import closure

    controls.add_fault("webhook_drop", count=10)
    payment = services.subscription_start(user=make_user(), plan=plan)
    services.first_payment_checkout(payment=payment)
    payment.refresh_from_db()
    checkout(payment.checkout_url, "paid")
    services.reconcile()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    charge = controls.charge(subscription.active_remote().mollie_id, outcome="pending")
    services.reconcile()  # the charge is known, still pending
    services.subscription_cancel_now(subscription=subscription, system="billing", reason="staff")
    mail.outbox.clear()
    controls.set_status(charge.id, "paid")
    services.reconcile()  # (its webhook is lost too)
    late = Payment.objects.get(mollie_id=charge.id)
    assert late.status == Payment.Status.PAID and late.late_refund == Payment.LateRefund.DUE
    assert not Invoice.objects.filter(payment=late).exists()
    assert not [m for m in mail.outbox if m.subject.startswith("Factuur")]
    assert closure.late_charges_refund() == 1
    assert [r.data["amount"]["value"] for r in SandboxObject.objects.filter(kind="refund")] == ["35.09"]
