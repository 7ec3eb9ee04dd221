"""Closing an account and Mollie's webhook for the same customer at the same moment
(issue 17, item 6): both take the customer's locks in the one order (``base.lock_billing``:
user, subscription, payment, then the audit chain), so 10 concurrent close-plus-webhook
pairs give no error and the money agrees with Mollie whichever came first."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
import requests
from django.db import connection
from django.db.models import Sum

from accounts.services import account_close
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import CreditNote, Invoice, Payment, Subscription
from subscriptions.services import closure

PAIRS = 10


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)  # threads: real connections, the webhook over HTTP on the live server
def test_ten_concurrent_closes_and_paid_webhooks_give_no_error_and_consistent_money(mollie_sandbox, make_user, plan):
    customers, payments = [], []
    for n in range(PAIRS):
        customer = make_user(f"klant{n:02d}")
        payment = services.subscription_start(user=customer, plan=plan)
        services.first_payment_checkout(payment=payment)
        payment.refresh_from_db()
        customers.append(customer)
        payments.append(payment)
    controls.add_fault("webhook_drop", count=PAIRS)  # we deliver these ourselves, at the same moment
    for payment in payments:
        controls.set_status(payment.mollie_id, "paid")
    barrier = Barrier(2 * PAIRS)
    url = mollie_sandbox.url + "/webhooks/mollie/"

    def deliver(mollie_id: str) -> str:
        barrier.wait()
        status = requests.post(url, data={"id": mollie_id}, timeout=120).status_code
        return "" if status == 200 else f"webhook {mollie_id}: {status}"

    def close(customer) -> str:
        try:
            barrier.wait()
            account_close(user=customer, by=customer, reason="")
            return ""
        except Exception as exc:  # noqa: BLE001  (what a customer would see as a 500)
            return f"close {customer.username}: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2 * PAIRS) as pool:
        futures = [pool.submit(deliver, p.mollie_id) for p in payments]
        futures += [pool.submit(close, c) for c in customers]
        errors = [f.result() for f in futures]
    assert [e for e in errors if e] == []

    closure.late_charges_refund()  # the hourly job, for the payments the closure came first to
    assert not services.reconcile().errors
    late = closed_first = 0
    for payment in payments:
        payment.refresh_from_db()
        subscription = Subscription.objects.get(pk=payment.subscription_id)
        assert subscription.status == Subscription.Status.CANCELED  # closed, whatever came first
        assert payment.status == Payment.Status.PAID
        remote = SandboxObject.objects.get(kind="payment", pk=payment.mollie_id).data
        refunded_at_mollie = sum(
            (
                Decimal(r.data["amount"]["value"])
                for r in SandboxObject.objects.filter(kind="refund", parent_id=payment.mollie_id)
            ),
            Decimal("0"),
        )
        assert Decimal(remote["amountRefunded"]["value"]) == refunded_at_mollie == payment.amount_refunded
        invoice = Invoice.objects.filter(payment=payment).first()
        if invoice is None:  # the closure came first: a late payment, refunded in full, never invoiced
            late += 1
            assert payment.late_refund == Payment.LateRefund.REFUNDED
            assert payment.amount_refunded == payment.amount
        else:  # the webhook came first: the period was settled by the closure, all but the closing day
            closed_first += 1
            assert payment.late_refund == ""
            assert Decimal("0") < payment.amount_refunded < payment.amount
            credited = CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("amount_gross"))["total"]
            assert -credited == payment.amount_refunded
    assert late + closed_first == PAIRS
    # Nothing is charged again: every Mollie subscription made meanwhile is cancelled.
    assert all(o.data["status"] == "canceled" for o in SandboxObject.objects.filter(kind="subscription"))


@pytest.mark.django_db(transaction=True)  # two threads, two real connections
def test_a_closure_that_starts_while_a_webhook_holds_the_subscription_waits_instead_of_deadlocking(
    mollie_sandbox, make_user, plan, monkeypatch
):
    """The interleaving that deadlocked (1 of 10 closes answered 500): the webhook has locked
    the payment and subscription and is about to write its audit event when the closure
    locks the user row and writes *its* event (the customer's audit chain), then wants the
    subscription. With the one lock order the closure waits at the user row instead."""
    import threading
    import time

    from subscriptions.services import payments as payments_module

    customer = make_user("klant")
    payment = services.subscription_start(user=customer, plan=plan)
    services.first_payment_checkout(payment=payment)
    payment.refresh_from_db()
    controls.add_fault("webhook_drop", count=1)
    controls.set_status(payment.mollie_id, "paid")

    locked = threading.Event()
    real_change_status = payments_module._change_status

    def change_status(*args, **kwargs):  # the webhook's locks are held here
        locked.set()
        time.sleep(1.5)  # (PostgreSQL's deadlock_timeout is 1 s: a cycle would be found)
        return real_change_status(*args, **kwargs)

    monkeypatch.setattr(payments_module, "_change_status", change_status)

    def webhook() -> str:
        try:
            services.payment_sync(mollie_id=payment.mollie_id)
            return ""
        except Exception as exc:  # noqa: BLE001
            return f"webhook: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()

    def close() -> str:
        try:
            assert locked.wait(30)
            account_close(user=customer, by=customer, reason="")
            return ""
        except Exception as exc:  # noqa: BLE001
            return f"close: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [pool.submit(webhook), pool.submit(close)]
        errors = [r.result() for r in results]
    assert errors == ["", ""]
    # (In tests the sandbox calls the refund's webhook inline, and on a slow machine that may
    # answer 503 for Mollie to retry; reconciliation reads the refund as it would then.)
    assert not services.reconcile().errors
    payment.refresh_from_db()
    # The webhook came first: the period is invoiced and the closure refunded its unused days.
    invoice = Invoice.objects.get(payment=payment)
    assert Subscription.objects.get(pk=payment.subscription_id).status == Subscription.Status.CANCELED
    assert Decimal("0") < payment.amount_refunded < payment.amount
    assert -CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("amount_gross"))["total"] == (
        payment.amount_refunded
    )
