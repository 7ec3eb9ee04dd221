"""Changing the payment method: € 0,01 at Mollie's checkout with the new method gives a new
mandate; Mollie's subscription is moved to it, the old mandate revoked, the cent refunded
(no invoice). A failed verification changes nothing. Through the real client against the
sandbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time
from decimal import Decimal
from threading import Barrier

import pytest
import requests
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import Invoice, MandateChange, Payment, Subscription
from subscriptions.tests.conftest import browser_session, checkout

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def active(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid", method="creditcard")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE and subscription.mandate_id
    mail.outbox.clear()
    return subscription


def _data(mollie_id: str) -> dict:
    return SandboxObject.objects.get(pk=mollie_id).data


def _remote(subscription: Subscription) -> dict:
    return _data(subscription.remote_subscriptions.get().mollie_id)


def _start(subscription: Subscription):
    return _client(subscription.user).post(f"/portal/abonnement/{subscription.pk}/betaalmethode/")


def test_a_new_method_moves_mollies_subscription_revokes_the_old_mandate_and_refunds_the_cent(active, customer):
    old_mandate = active.mandate_id
    response = _start(active)
    assert response.status_code == 302 and "/sandbox/mollie/checkout/" in response["Location"]
    verification = Payment.objects.get(purpose=Payment.Purpose.MANDATE)
    assert verification.amount == Decimal("0.01") and verification.sequence_type == Payment.Sequence.FIRST
    remote_payment = _data(verification.mollie_id)
    assert remote_payment["sequenceType"] == "first" and remote_payment["amount"]["value"] == "0.01"
    checkout(response["Location"], "paid", method="directdebit")
    active.refresh_from_db()
    verification.refresh_from_db()
    new_mandate = active.mandate_id
    assert new_mandate and new_mandate != old_mandate
    assert _data(new_mandate)["method"] == "directdebit"
    assert _remote(active)["mandateId"] == new_mandate and _remote(active)["status"] == "active"
    assert _data(old_mandate)["status"] == "invalid"  # revoked at Mollie
    assert _data(verification.mollie_id)["amountRefunded"]["value"] == "0.01"
    assert verification.amount_refunded == Decimal("0.01")  # Mollie's refund reported back
    assert not Invoice.objects.filter(payment=verification).exists()
    change = MandateChange.objects.get()
    assert (change.old_mandate_id, change.new_mandate_id) == (old_mandate, new_mandate)
    assert change.old_revoked_at and change.refunded_at
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions.index("payment.mandate_changed") < actions.index("payment.mandate_revoked")
    assert "payment.method_change_requested" in actions
    assert [m.subject for m in mail.outbox] == ["Uw betaalmethode is gewijzigd"]
    assert mail.outbox[0].to == [customer.email]
    # the return page says so, and the next charge uses the new mandate
    page = _client(customer).get(f"/portal/abonnement/betaling/{verification.pk}/").content.decode()
    assert "Uw nieuwe betaalmethode is vastgelegd." in page
    with time_machine.travel(timezone.make_aware(datetime.combine(active.current_period_end, time(10)))):
        charge = controls.charge(_remote(active)["id"], outcome="paid")
    assert charge.data["mandateId"] == new_mandate
    assert Payment.objects.get(mollie_id=charge.id).status == Payment.Status.PAID


@pytest.mark.parametrize("outcome", ["failed", "canceled", "expired"])
def test_a_failed_verification_payment_changes_nothing(active, outcome):
    old_mandate = active.mandate_id
    response = _start(active)
    checkout(response["Location"], outcome, method="directdebit")
    active.refresh_from_db()
    assert active.mandate_id == old_mandate and active.status == Subscription.Status.ACTIVE
    assert _remote(active)["mandateId"] == old_mandate
    assert _data(old_mandate)["status"] == "valid"
    assert not MandateChange.objects.exists()
    assert AuditEvent.objects.filter(action="payment.method_change_failed").count() == 1
    assert [m.subject for m in mail.outbox] == ["Uw betaalmethode is niet gewijzigd"]
    payment = Payment.objects.get(purpose=Payment.Purpose.MANDATE)
    page = _client(active.user).get(f"/portal/abonnement/betaling/{payment.pk}/").content.decode()
    assert "Er is niets gewijzigd" in page
    # "Opnieuw proberen" starts a new verification
    again = _client(active.user).post(f"/portal/abonnement/betaling/{payment.pk}/betalen/")
    assert again.status_code == 302 and "/sandbox/mollie/checkout/" in again["Location"]
    assert Payment.objects.filter(purpose=Payment.Purpose.MANDATE).count() == 2


def test_duplicate_and_late_webhooks_change_the_method_once(active):
    response = _start(active)
    checkout(response["Location"], "paid", method="directdebit")
    verification = Payment.objects.get(purpose=Payment.Purpose.MANDATE)
    events = AuditEvent.objects.count()
    for _ in range(3):
        services.payment_sync(mollie_id=verification.mollie_id)
    change = MandateChange.objects.get()
    assert services.mandate_change_finish(change_id=change.pk) is True  # again: nothing new
    assert MandateChange.objects.count() == 1
    assert AuditEvent.objects.count() == events
    assert SandboxObject.objects.filter(kind="refund").count() == 1


def test_clicking_twice_reuses_the_open_verification(active):
    first = _start(active)
    second = _start(active)
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(purpose=Payment.Purpose.MANDATE).count() == 1


def test_another_customers_subscription_is_not_found(active, make_user):
    other = _client(make_user("ander"))
    assert other.post(f"/portal/abonnement/{active.pk}/betaalmethode/").status_code == 404
    assert other.get(f"/portal/abonnement/{active.pk}/betaalmethode/").status_code in (404, 405)
    assert not Payment.objects.filter(purpose=Payment.Purpose.MANDATE).exists()


def test_a_subscription_that_is_not_active_gets_a_message(active):
    Subscription.objects.filter(pk=active.pk).update(cancel_at_period_end=False, status=Subscription.Status.ENDED)
    response = _client(active.user).post(f"/portal/abonnement/{active.pk}/betaalmethode/", follow=True)
    assert "Alleen bij een actief abonnement kunt u de betaalmethode wijzigen." in response.content.decode()
    assert not Payment.objects.filter(purpose=Payment.Purpose.MANDATE).exists()


def test_when_mollie_could_not_move_the_subscription_the_old_mandate_stays_until_reconciliation(active):
    from mollie_sandbox.models import SandboxFault

    old_mandate = active.mandate_id
    response = _start(active)
    controls.add_fault("http_503", target="PATCH customers/*/subscriptions/*", count=3)  # every attempt
    checkout(response["Location"], "paid", method="directdebit")
    active.refresh_from_db()
    assert _remote(active)["mandateId"] == old_mandate
    assert _data(old_mandate)["status"] == "valid"  # never revoked while Mollie still charges it
    SandboxFault.objects.all().delete()
    services.reconcile()
    assert _remote(active)["mandateId"] == active.mandate_id
    assert _data(old_mandate)["status"] == "invalid"
    assert services.reconcile().changes == 0


@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_eight_concurrent_method_changes_make_one_verification_payment(mollie_sandbox, customer, plan):
    response = _client(customer).post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    before = SandboxObject.objects.filter(kind="payment").count()
    sessions = [browser_session(customer, mollie_sandbox.url) for _ in range(8)]
    barrier = Barrier(len(sessions))
    url = mollie_sandbox.url + f"/portal/abonnement/{subscription.pk}/betaalmethode/"

    def click(session: requests.Session) -> int:
        barrier.wait()
        return session.post(url, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        statuses = list(pool.map(click, sessions))
    assert statuses == [302] * 8
    assert Payment.objects.filter(purpose=Payment.Purpose.MANDATE).count() == 1
    assert SandboxObject.objects.filter(kind="payment").count() == before + 1
