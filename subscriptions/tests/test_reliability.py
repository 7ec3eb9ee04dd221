"""Reliability: duplicated and shuffled webhooks, webhooks that never come, and a Mollie
that answers 5xx or times out while we create a payment."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import mollie, services
from subscriptions.models import CreditNote, Invoice, MollieSubscription, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db


def _open_payments(make_user, plan, count: int) -> list[Payment]:
    payments = []
    for n in range(count):
        payment = services.subscription_start(user=make_user(f"klant{n:03d}"), plan=plan)
        services.first_payment_checkout(payment=payment)
        payment.refresh_from_db()
        payments.append(payment)
    return payments


def _counts() -> dict[str, int]:
    return {
        "events": AuditEvent.objects.count(),
        "paid": Payment.objects.filter(status="paid").count(),
        "payments": Payment.objects.count(),
        "invoices": Invoice.objects.count(),
        "remote_subscriptions": MollieSubscription.objects.count(),
        "sandbox_subscriptions": SandboxObject.objects.filter(kind="subscription").count(),
    }


@pytest.mark.slow  # about a minute: its own lane (make test runs it, make test-fast does not)
@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_1000_duplicated_shuffled_deliveries_for_100_payments_record_each_payment_once(mollie_sandbox, make_user, plan):
    payments = _open_payments(make_user, plan, 100)
    controls.add_fault("webhook_drop", count=1000)  # only our own deliveries below
    for payment in payments:
        controls.set_status(payment.mollie_id, "paid")
    deliveries = [p.mollie_id for p in payments for _ in range(10)]
    random.Random(4).shuffle(deliveries)
    url = mollie_sandbox.url + "/webhooks/mollie/"

    def deliver(mollie_id: str) -> int:
        return requests.post(url, data={"id": mollie_id}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, deliveries))
    assert statuses.count(200) == 1000
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == 100
    paid_events = AuditEvent.objects.filter(action="payment.paid")
    assert paid_events.count() == 100
    assert sorted(paid_events.values_list("target_id", flat=True)) == sorted(str(p.pk) for p in payments)
    assert Subscription.objects.filter(status=Subscription.Status.ACTIVE).count() == 100
    assert AuditEvent.objects.filter(action="subscription.activated").count() == 100
    numbers = sorted(int(n.split("-")[1]) for n in Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 101))  # one invoice each, no gaps
    # One Mollie subscription per customer, never two.
    assert MollieSubscription.objects.count() == 100
    assert SandboxObject.objects.filter(kind="subscription").count() == 100


def test_when_every_webhook_is_lost_one_reconciliation_repairs_everything(mollie_sandbox, make_user, plan):
    controls.add_fault("webhook_drop", count=1000)
    payments = _open_payments(make_user, plan, 6)
    paid, failed, expired, still_open = payments[:3], payments[3], payments[4], payments[5]
    for payment in paid:
        checkout(payment.checkout_url, "paid")
    checkout(failed.checkout_url, "failed")
    checkout(expired.checkout_url, "expired")
    assert set(Payment.objects.values_list("status", flat=True)) == {"open"}  # we heard nothing

    first = services.reconcile()
    assert first.payments_changed == 5 and not first.errors
    assert Payment.objects.filter(status="paid").count() == 3
    assert Payment.objects.get(pk=failed.pk).status == "failed"
    assert Payment.objects.get(pk=expired.pk).status == "expired"
    assert Payment.objects.get(pk=still_open.pk).status == "open"
    assert Subscription.objects.filter(status="active").count() == 3
    assert MollieSubscription.objects.count() == 3  # charges scheduled (on commit of the repair)

    # A month on: Mollie charged the subscriptions, refunded one payment; webhooks lost too.
    remote_ids = list(MollieSubscription.objects.values_list("mollie_id", flat=True))
    for remote_id in remote_ids:
        controls.charge(remote_id)
    second = services.reconcile()
    assert second.subscription_payments_changed == 3 and second.payments_changed == 0
    recurring = Payment.objects.filter(sequence_type="recurring", status="paid")
    assert recurring.count() == 3
    # A refund whose webhook is lost too: read from the amount field by the next run.
    refunded = recurring.first()
    controls.refund(refunded.mollie_id)
    assert services.reconcile().subscription_payments_changed == 1
    refunded.refresh_from_db()
    assert refunded.amount_refunded == refunded.amount

    before = _counts()
    third = services.reconcile()
    assert third.changes == 0 and not third.errors
    assert _counts() == before


def test_the_reconciliation_task_runs_the_service(mollie_sandbox, make_user, plan):
    from subscriptions.tasks import reconcile

    controls.add_fault("webhook_drop", count=10)
    (payment,) = _open_payments(make_user, plan, 1)
    checkout(payment.checkout_url, "paid")
    result = reconcile.delay().result  # in-process (eager) in tests
    assert result["payments_changed"] == 1
    assert Payment.objects.get(pk=payment.pk).status == "paid"


@pytest.mark.parametrize("fault", ["http_500", "http_502_html", "http_503", "http_429"])
def test_a_few_errors_on_create_are_retried_with_the_same_key(mollie_sandbox, make_user, plan, fault):
    controls.add_fault(fault, target="POST payments", count=2)
    payment = services.subscription_start(user=make_user(), plan=plan)
    url = services.first_payment_checkout(payment=payment)
    assert url
    assert SandboxObject.objects.filter(kind="payment").count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.OPEN


def test_a_mollie_that_keeps_failing_leaves_nothing_paid_and_no_payment_behind(mollie_sandbox, logged_in, plan):
    controls.add_fault("http_503", target="POST payments", count=3)
    response = logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/", follow=True)
    page = response.content.decode()
    assert "niet bereikbaar" in page and "Er is niets afgeschreven" in page and "Opnieuw proberen" in page
    assert SandboxObject.objects.filter(kind="payment").count() == 0
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.CREATED and payment.mollie_id is None
    # Mollie is back: "try again" creates exactly one payment.
    again = logged_in.post(f"/portal/abonnement/betaling/{payment.pk}/betalen/")
    assert again["Location"].startswith(mollie_sandbox.url + "/sandbox/mollie/checkout/")
    assert SandboxObject.objects.filter(kind="payment").count() == 1
    assert not Payment.objects.filter(status="paid").exists()


@pytest.mark.django_db(transaction=True)  # a read timeout needs a socket: over HTTP on the live server
def test_a_timeout_after_mollie_created_the_payment_does_not_create_a_second_one(
    mollie_sandbox, settings, make_user, plan
):
    settings.MOLLIE_TIMEOUT = (2, 1)
    controls.add_fault("timeout_after", target="POST payments", count=1, delay_seconds=1.6)
    payment = services.subscription_start(user=make_user(), plan=plan)
    url = services.first_payment_checkout(payment=payment)
    assert url
    assert SandboxObject.objects.filter(kind="payment").count() == 1  # the retry was replayed


@pytest.mark.django_db(transaction=True)  # a read timeout needs a socket: over HTTP on the live server
def test_timeouts_on_every_attempt_leave_one_mollie_payment_that_reconciliation_finds(
    mollie_sandbox, settings, make_user, plan
):
    settings.MOLLIE_TIMEOUT = (2, 1)
    controls.add_fault("timeout_after", target="POST payments", count=3, delay_seconds=1.6)
    payment = services.subscription_start(user=make_user(), plan=plan)
    with pytest.raises(mollie.MollieUnavailable):
        services.first_payment_checkout(payment=payment)
    assert SandboxObject.objects.filter(kind="payment").count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED and payment.mollie_id is None
    controls.add_fault("webhook_drop", count=5)
    remote_id = SandboxObject.objects.get(kind="payment").pk
    controls.set_status(remote_id, "paid")  # the customer found the checkout after all
    assert not Payment.objects.filter(status="paid").exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        report = services.reconcile()
    payment.refresh_from_db()
    assert report.lost_creates_found == 1
    assert payment.mollie_id == remote_id and payment.status == Payment.Status.PAID


def test_a_first_payment_that_never_reached_mollie_is_closed_after_two_hours(mollie_sandbox, make_user, plan):
    controls.add_fault("http_503", target="POST payments", count=3)
    payment = services.subscription_start(user=make_user(), plan=plan)
    with pytest.raises(mollie.MollieUnavailable):
        services.first_payment_checkout(payment=payment)
    with time_machine.travel(timezone.now() + timedelta(minutes=119)):
        assert services.reconcile().lost_creates_abandoned == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=121)):
        assert services.reconcile().lost_creates_abandoned == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELED
    assert payment.subscription.status == Subscription.Status.FAILED


def test_a_refund_or_chargeback_of_a_first_payment_whose_webhook_is_lost_is_found_for_120_days(
    mollie_sandbox, make_user, plan
):
    controls.add_fault("webhook_drop", count=1000)
    refunded, charged_back, inside, old = _open_payments(make_user, plan, 4)
    with time_machine.travel(timezone.now() - timedelta(days=120, hours=1)):
        checkout(old.checkout_url, "paid")
        services.reconcile()
    with time_machine.travel(timezone.now() - timedelta(days=119, hours=23)):
        checkout(inside.checkout_url, "paid")
        services.reconcile()
    for payment in (refunded, charged_back):
        checkout(payment.checkout_url, "paid")
    services.reconcile()
    assert Payment.objects.filter(status="paid").count() == 4

    controls.refund(refunded.mollie_id, Decimal("10.00"))
    controls.refund(inside.mollie_id, None)  # paid 119 days and 23 hours ago: still looked for
    controls.chargeback(charged_back.mollie_id, None)
    controls.refund(old.mollie_id, None)  # paid 120 days and an hour ago: no longer looked for
    report = services.reconcile()
    assert report.first_payment_amounts_changed == 3 and not report.errors
    refunded.refresh_from_db()
    charged_back.refresh_from_db()
    old.refresh_from_db()
    inside.refresh_from_db()
    assert inside.amount_refunded == inside.amount
    assert refunded.amount_refunded == Decimal("10.00")
    assert charged_back.amount_charged_back == charged_back.amount
    assert old.amount_refunded == Decimal("0.00")
    assert AuditEvent.objects.filter(action="payment.refunded", target_id=str(refunded.pk)).count() == 1
    # The refunds found this way get their credit notes, as with a webhook; a chargeback none.
    assert [n.amount_gross for n in CreditNote.objects.filter(invoice__payment=refunded)] == [Decimal("-10.00")]
    assert CreditNote.objects.filter(invoice__payment=inside).count() == 1
    assert not CreditNote.objects.filter(invoice__payment__in=[charged_back, old]).exists()
    assert AuditEvent.objects.filter(action="payment.charged_back", target_id=str(charged_back.pk)).count() == 1
    assert services.reconcile().changes == 0  # the next run finds nothing new


def test_three_lost_monthly_charges_are_applied_oldest_first_by_one_reconciliation(mollie_sandbox, make_user, plan):
    from dateutil.relativedelta import relativedelta

    controls.add_fault("webhook_drop", count=1000)
    (payment,) = _open_payments(make_user, plan, 1)
    checkout(payment.checkout_url, "paid")
    services.reconcile()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    first_end = subscription.current_period_end
    link = subscription.active_remote()
    for _ in range(3):  # three months of charges, every webhook lost
        controls.charge(link.mollie_id)
    assert services.reconcile().subscription_payments_changed == 3
    subscription.refresh_from_db()
    assert subscription.current_period_end == first_end + relativedelta(months=1) + relativedelta(
        months=1
    ) + relativedelta(months=1)
    recurring = Invoice.objects.filter(payment__sequence_type="recurring").order_by("number")
    starts = [invoice.period_start for invoice in recurring]
    assert starts == sorted(starts) and starts[0] == first_end  # numbered in the order of the periods
    assert services.reconcile().changes == 0


def test_a_reconciliation_still_running_is_not_joined_by_the_next(mollie_sandbox, make_user, plan):
    from django.core.cache import cache

    from subscriptions.tasks import RECONCILE_RUNNING, reconcile

    controls.add_fault("webhook_drop", count=10)
    (payment,) = _open_payments(make_user, plan, 1)
    checkout(payment.checkout_url, "paid")
    cache.add(RECONCILE_RUNNING, 1)  # another run holds it
    assert reconcile.delay().result == {"skipped": "a reconciliation is still running"}
    assert Payment.objects.get(pk=payment.pk).status == "open"
    cache.delete(RECONCILE_RUNNING)
    assert reconcile.delay().result["payments_changed"] == 1
    assert cache.get(RECONCILE_RUNNING) is None  # released after the run


def test_charges_of_a_subscription_ended_over_120_days_ago_are_no_longer_asked_about(mollie_sandbox, make_user, plan):
    controls.add_fault("webhook_drop", count=1000)
    (payment,) = _open_payments(make_user, plan, 1)
    checkout(payment.checkout_url, "paid")
    services.reconcile()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    charge = controls.charge(subscription.active_remote().mollie_id)
    services.reconcile()
    services.subscription_cancel_now(subscription=subscription, system="billing", reason="test")
    subscription.refresh_from_db()
    controls.refund(charge.id, Decimal("1.00"))  # its webhook is lost
    with time_machine.travel(subscription.ended_at + timedelta(days=120, hours=1)):
        assert services.reconcile().subscription_payments_changed == 0  # no longer watched
    with time_machine.travel(subscription.ended_at + timedelta(days=119, hours=23)):
        assert services.reconcile().subscription_payments_changed == 1  # still watched: found
    assert Payment.objects.get(mollie_id=charge.id).amount_refunded == Decimal("1.00")
