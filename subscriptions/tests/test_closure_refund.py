"""Closing an account with a paid period: the service ends at once and the unused whole days
are refunded pro rata through Mollie (the sandbox), with a credit note; the close page shows
the outcome first and the mail repeats it. Both sides of each boundary, with time travel."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.services import account_close
from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions.models import CreditNote, Invoice, Payment, Subscription
from subscriptions.services import closure
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db(transaction=True)

# 1 March 2026: the first period is 1-31 March (31 days), the second 1-30 April (30 days).
START = datetime(2026, 3, 1, 10, 0)  # noqa: DTZ001  (made aware where used)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(date(year, month, day), time(hour, minute)))


@pytest.fixture
def paid(subscribe) -> Subscription:
    with time_machine.travel(timezone.make_aware(START)):
        response, payment = subscribe()
        checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.amount_gross == Decimal("35.09")
    return subscription


def refunds() -> list[Decimal]:
    return [Decimal(obj.data["amount"]["value"]) for obj in SandboxObject.objects.filter(kind="refund")]


def close(customer, when: datetime, logged_in=None):
    """Open the close page (when ``logged_in``) and close the account at ``when``."""
    page = ""
    with time_machine.travel(when):
        if logged_in is not None:
            browser = Client()  # a fresh session at that moment
            browser.force_login(customer)
            response = browser.get("/portal/account/opheffen/")
            assert response.status_code == 200
            page = response.content.decode()
        account_close(user=customer, by=customer, reason="")
    return page


def test_closing_mid_period_refunds_the_unused_days_with_a_credit_note(paid, customer, logged_in):
    page = close(customer, at(2026, 3, 11), logged_in)
    # 31-day period, 11 March used: 20 unused days of € 35,09 = € 22,638... → € 22,64
    assert "U krijgt € 22,64 (incl. btw) terug" in page
    assert "Van die termijn van 31 dagen gebruikt u er 20 niet." in page
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.CANCELED and paid.end_reason == closure.ACCOUNT_CLOSED_REASON
    assert refunds() == [Decimal("22.64")]
    payment = Payment.objects.get(subscription=paid)
    assert payment.amount_refunded == Decimal("22.64")  # Mollie reported it (webhook)
    note = CreditNote.objects.get(invoice__payment=payment)
    assert note.amount_gross == Decimal("-22.64")
    closing_mail = next(m for m in mail.outbox if "opgeheven" in m.subject)
    assert "U krijgt € 22,64 (incl. btw) terug" in closing_mail.body
    assert Invoice.objects.get(payment=payment).number in closing_mail.body
    settled = AuditEvent.objects.get(action="subscription.closure_settled", subject_id=customer.pk)
    assert settled.changes["refund"] == [None, "22.64"] and settled.changes["unused_days"] == [None, "20/31"]


def test_closing_on_the_last_day_of_the_paid_period_refunds_nothing(paid, customer, logged_in):
    page = close(customer, at(2026, 3, 31, 23, 50), logged_in)
    assert "er is geen terugbetaling" in page
    assert refunds() == []
    closing_mail = next(m for m in mail.outbox if "opgeheven" in m.subject)
    assert "er is geen terugbetaling" in closing_mail.body


def test_closing_on_the_first_day_of_a_new_period_before_its_charge_came_in_refunds_nothing(paid, customer):
    """Paid through 31 March; on 1 April the next charge is not paid yet: nothing to refund,
    and Mollie's subscription is cancelled so no charge follows."""
    outcome = closure.closure_outcome(user=customer, closing_day=date(2026, 4, 1))
    assert outcome.invoice is None and outcome.refund == 0
    close(customer, at(2026, 4, 1, 0, 10))
    assert refunds() == []
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="subscription")] == ["canceled"]


def test_closing_on_the_first_day_of_a_new_period_just_paid_refunds_all_but_that_day(paid, customer, logged_in):
    with time_machine.travel(at(2026, 4, 1, 6)):
        controls.charge(paid.active_remote().mollie_id, outcome="paid")
    paid.refresh_from_db()
    assert paid.current_period_end == date(2026, 5, 1)
    page = close(customer, at(2026, 4, 1, 9), logged_in)
    # 30-day April period, 1 April used: 29/30 of € 35,09 = € 33,920... → € 33,92
    assert "U krijgt € 33,92 (incl. btw) terug" in page
    assert refunds() == [Decimal("33.92")]
    april = Payment.objects.get(subscription=paid, sequence_type="recurring")
    assert april.amount_refunded == Decimal("33.92")
    march = Payment.objects.get(subscription=paid, sequence_type="first")
    assert march.amount_refunded == 0


def test_a_charge_paid_after_the_closure_is_refunded_in_full_and_asked_again_until_mollie_accepts(
    paid, customer, monkeypatch
):
    """Mollie answers 503 on the first hourly run and 201 on the next: one refund, asked
    twice with the same idempotency key; the payment's late-refund state tells each step."""
    from subscriptions import mollie
    from subscriptions.services import payment_sync

    with time_machine.travel(at(2026, 4, 1, 6)):
        pending = controls.charge(paid.active_remote().mollie_id, outcome="pending")
    close(customer, at(2026, 4, 1, 9))
    with time_machine.travel(at(2026, 4, 3, 9)):
        controls.set_status(pending.id, "paid")
        payment_sync(mollie_id=pending.id)
    late = Payment.objects.get(mollie_id=pending.id)
    assert late.late_refund == Payment.LateRefund.DUE
    assert not Invoice.objects.filter(payment=late).exists()

    keys = []
    real_refund_create = mollie.refund_create

    def refund_create(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real_refund_create(**kwargs)

    monkeypatch.setattr(mollie, "refund_create", refund_create)
    controls.add_fault("http_503", target="POST payments/*/refunds", count=3)  # every try of the call
    with time_machine.travel(at(2026, 4, 3, 9, 41)):
        assert closure.late_charges_refund() == 0
    late.refresh_from_db()
    assert late.late_refund == Payment.LateRefund.DUE and late.late_refund_attempts == 1
    assert refunds() == []
    with time_machine.travel(at(2026, 4, 3, 10, 41)):
        assert closure.late_charges_refund() == 1
    assert refunds() == [Decimal("35.09")]
    assert len(keys) == 2 and keys[0] == keys[1] == f"late-refund-{late.pk}"
    late.refresh_from_db()
    assert late.amount_refunded == Decimal("35.09")  # Mollie reported it
    assert late.late_refund == Payment.LateRefund.REFUNDED and late.late_refund_attempts == 2
    events = AuditEvent.objects.filter(action="payment.refunded", target_id=str(late.pk))
    asked = [event.changes["refund_requested"] for event in events if "refund_requested" in event.changes]
    assert asked == [[None, "35.09"]]  # the one Mollie accepted
    with time_machine.travel(at(2026, 4, 3, 11, 41)):
        assert closure.late_charges_refund() == 0  # nothing left to ask
    assert refunds() == [Decimal("35.09")] and len(keys) == 2


def test_closing_without_a_subscription_says_nothing_about_money(customer, logged_in):
    page = logged_in.get("/portal/account/opheffen/").content.decode()
    assert "Wat er met uw abonnement gebeurt" not in page
    account_close(user=customer, by=customer, reason="")
    assert not AuditEvent.objects.filter(action="subscription.closure_settled").exists()
