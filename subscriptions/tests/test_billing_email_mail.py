"""Billing mail goes to the confirmed billing address; security mail keeps going to the
account's address. End to end: the profile form, the confirmation link, a payment through
the sandbox, a refund, cancelling and undoing, a password reset."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from accounts.services import profile_for
from mollie_sandbox import controls
from portal.testing.browser import mail_links
from subscriptions import services
from subscriptions.models import Invoice, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db(transaction=True)

BOOKKEEPER = "boekhouding@jansen.example"


def set_billing_email(client: Client, customer, *, confirm: bool) -> None:
    profile = profile_for(customer)
    data = {field: str(getattr(profile, field)) for field in Profile.AUDITED_FIELDS}
    data.update(billing_same_as_address="on", billing_email=BOOKKEEPER)
    assert client.post("/portal/gegevens/profiel/", data).status_code == 302
    if confirm:
        (message,) = [m for m in mail.outbox if m.to == [BOOKKEEPER]]
        (link,) = mail_links(message, contains="/factuur-e-mailadres/")
        assert Client().post("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    mail.outbox.clear()


def recipients() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        for address in message.to:
            found.setdefault(address, []).append(message.subject)
    return found


def pay(subscribe) -> Payment:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    return payment


def test_billing_mail_goes_to_the_confirmed_billing_address_and_security_mail_does_not(logged_in, customer, subscribe):
    set_billing_email(logged_in, customer, confirm=True)
    payment = pay(subscribe)
    invoice = Invoice.objects.get(payment=payment)
    subscription = Subscription.objects.get(pk=payment.subscription_id)

    controls.refund(payment.mollie_id, Decimal("5.00"))
    services.payment_sync(mollie_id=payment.mollie_id)
    logged_in.post(f"/portal/abonnement/{subscription.pk}/opzeggen/", {"confirm": "ja"})
    logged_in.post(f"/portal/abonnement/{subscription.pk}/opzegging-intrekken/")
    billing = recipients()
    assert list(billing) == [BOOKKEEPER]
    subjects = billing[BOOKKEEPER]
    assert subjects[0] == f"Factuur {invoice.number} voor Exact koppeling"
    assert subjects[1].startswith("Creditnota ")
    assert subjects[2].startswith("Uw opzegging: Exact koppeling loopt tot en met")
    assert subjects[3] == "Uw opzegging is ingetrokken: Exact koppeling loopt door"

    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": customer.email})
    assert list(recipients()) == [customer.email]  # security mail: the account's address only


def test_until_it_is_confirmed_billing_mail_goes_to_the_account_address(logged_in, customer, subscribe):
    set_billing_email(logged_in, customer, confirm=False)
    payment = pay(subscribe)
    invoice = Invoice.objects.get(payment=payment)
    assert recipients() == {customer.email: [f"Factuur {invoice.number} voor Exact koppeling"]}


def test_dunning_mail_goes_to_the_confirmed_billing_address(logged_in, customer, subscribe):
    set_billing_email(logged_in, customer, confirm=True)
    payment = pay(subscribe)
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    mail.outbox.clear()
    remote_id = subscription.remote_subscriptions.get(canceled_at__isnull=True).mollie_id
    at = timezone.make_aware(datetime.combine(subscription.current_period_end, time(10)))
    with time_machine.travel(at):
        controls.charge(remote_id, outcome="failed")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    assert list(recipients()) == [BOOKKEEPER]
