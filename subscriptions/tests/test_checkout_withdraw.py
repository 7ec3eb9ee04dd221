"""A checkout the customer left: withdraw the request, or choose another plan instead. The
open payment is cancelled at Mollie where Mollie allows it (``isCancelable``); where it does
not, the request ends here and the payment expires there. Through the real client against the
sandbox; hostile input and double clicks change nothing."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.test import Client

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions.models import Payment, Plan, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def premium(db) -> Plan:
    return Plan.objects.create(name="Premium", price=Decimal("49.00"), interval=Plan.Interval.MONTH)


@pytest.fixture
def left_checkout(subscribe) -> Payment:
    """The customer chose Basis and went to Mollie's checkout, then came back without paying."""
    response, payment = subscribe()
    assert response.status_code == HTTPStatus.FOUND and "/checkout/" in response["Location"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.OPEN
    return payment


def _remote(payment: Payment) -> dict:
    return SandboxObject.objects.get(pk=payment.mollie_id).data


def test_the_overview_offers_withdrawing_and_another_plan(left_checkout, logged_in, premium):
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "Naar de betaling" in page and "Aanvraag intrekken" in page and "Kies in plaats daarvan Premium" in page


def test_withdrawing_cancels_the_payment_at_mollie_and_ends_the_request(left_checkout, logged_in):
    subscription = left_checkout.subscription
    response = logged_in.post(f"/portal/abonnement/{subscription.pk}/aanvraag-intrekken/", follow=True)
    assert "Uw aanvraag is ingetrokken. Er is niets afgeschreven" in response.content.decode()
    assert _remote(left_checkout)["status"] == "canceled"
    left_checkout.refresh_from_db()
    subscription.refresh_from_db()
    assert left_checkout.status == Payment.Status.CANCELED
    assert subscription.status == Subscription.Status.FAILED and subscription.end_reason.startswith("withdrawn")
    event = AuditEvent.objects.get(action="subscription.canceled", target_id=str(subscription.pk))
    assert event.actor_id == subscription.user_id and event.changes["payment_canceled_at_mollie"] == [None, True]
    # the overview offers the plans again
    assert "Basis afsluiten" in response.content.decode()
    # a second click (another tab, the back button): nothing to withdraw, nothing at Mollie
    again = logged_in.post(f"/portal/abonnement/{subscription.pk}/aanvraag-intrekken/", follow=True)
    assert "Er is geen aanvraag die op de eerste betaling wacht." in again.content.decode()
    assert AuditEvent.objects.filter(action="subscription.canceled").count() == 1


def test_a_payment_mollie_will_not_cancel_expires_there_and_the_request_ends_here(left_checkout, logged_in):
    data = _remote(left_checkout)
    SandboxObject.objects.filter(pk=left_checkout.mollie_id).update(data={**data, "isCancelable": False})
    subscription = left_checkout.subscription
    logged_in.post(f"/portal/abonnement/{subscription.pk}/aanvraag-intrekken/")
    assert _remote(left_checkout)["status"] == "open"  # not asked to cancel: it expires at Mollie
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.FAILED and subscription.ended_at is not None
    event = AuditEvent.objects.get(action="subscription.canceled", target_id=str(subscription.pk))
    assert event.changes["payment_canceled_at_mollie"] == [None, False]


def test_choosing_another_plan_withdraws_the_first_and_starts_the_new_checkout(left_checkout, logged_in, premium):
    response = logged_in.post(f"/portal/abonnement/afsluiten/{premium.pk}/", {"replace": "ja"})
    assert response.status_code == HTTPStatus.FOUND and "/checkout/" in response["Location"]
    assert _remote(left_checkout)["status"] == "canceled"
    live = Subscription.objects.get(status=Subscription.Status.PENDING)
    assert live.plan == premium
    checkout(response["Location"], "paid")
    live.refresh_from_db()
    assert live.status == Subscription.Status.ACTIVE and live.amount_gross == Decimal("59.29")


def test_a_payment_already_paid_is_not_withdrawn(left_checkout, logged_in):
    checkout(left_checkout.checkout_url, "paid")
    subscription = left_checkout.subscription
    response = logged_in.post(f"/portal/abonnement/{subscription.pk}/aanvraag-intrekken/", follow=True)
    assert "Er is geen aanvraag die op de eerste betaling wacht." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_mollie_unreachable_withdraws_nothing(left_checkout, logged_in):
    controls.add_fault("http_503", target="GET payments/*", count=3)
    subscription = left_checkout.subscription
    response = logged_in.post(f"/portal/abonnement/{subscription.pk}/aanvraag-intrekken/", follow=True)
    assert "Mollie, onze betaaldienst, is op dit moment niet bereikbaar." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING


def test_another_customers_request_is_not_found(left_checkout, make_user):
    intruder = Client()
    intruder.force_login(make_user("ander"))
    response = intruder.post(f"/portal/abonnement/{left_checkout.subscription_id}/aanvraag-intrekken/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _remote(left_checkout)["status"] == "open"


def test_replace_on_an_active_subscription_changes_nothing(left_checkout, logged_in, premium):
    checkout(left_checkout.checkout_url, "paid")
    response = logged_in.post(f"/portal/abonnement/afsluiten/{premium.pk}/", {"replace": "ja"}, follow=True)
    assert "U heeft al een abonnement of een lopende aanvraag." in response.content.decode()
    assert Subscription.objects.get(status=Subscription.Status.ACTIVE).plan.name == "Basis"
