"""A Mollie configuration error (a key Mollie refuses with 401, a malformed key, an endpoint
that is not Mollie's API) leaves nothing half-created: subscribing shows a clear message in
the customer's language (never a 500), the attempt is closed at once (no pending
subscription or payment waits for reconciliation), ops read the cause in the log (never the
key), and once the configuration is right the customer subscribes normally.

Through the real mollie-api-python client against the sandbox, which answers a key that is
not its own with 401 as Mollie does."""

from __future__ import annotations

import logging
from http import HTTPStatus

import pytest
from django.test import Client

from audit.models import AuditEvent
from mollie_sandbox.models import SandboxObject
from subscriptions.models import Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db

WRONG_KEY = "test_revokedkeyofanotheraccount9876"

DUTCH = "Betalen is op dit moment niet mogelijk door een storing aan onze kant"
ENGLISH = "Paying is not possible at the moment because of a fault on our side"


def wrong_key(settings, sandbox) -> None:
    settings.MOLLIE_API_KEY = WRONG_KEY


def malformed_key(settings, sandbox) -> None:
    settings.MOLLIE_API_KEY = "sk-not-a-mollie-key"


def endpoint_not_mollie(settings, sandbox) -> None:
    settings.MOLLIE_API_ENDPOINT = sandbox.url + "/niet-mollie"  # our own 404 page, not JSON


def endpoint_without_scheme(settings, sandbox) -> None:
    settings.MOLLIE_API_ENDPOINT = "api.mollie.com"


MISTAKES = [wrong_key, malformed_key, endpoint_not_mollie, endpoint_without_scheme]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.__name__)
def test_subscribing_with_a_wrong_configuration_leaves_nothing_open_and_says_so(
    mistake, settings, mollie_sandbox, logged_in, customer, plan, caplog
):
    mistake(settings, mollie_sandbox)
    with caplog.at_level(logging.ERROR, logger="subscriptions.mollie"):
        response = logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/")

    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/portal/abonnement/"
    page = logged_in.get(response["Location"]).content.decode()
    assert DUTCH in page
    subscription = Subscription.objects.get(user=customer)
    payment = subscription.payments.get()
    assert subscription.status == Subscription.Status.FAILED and subscription.ended_at is not None
    assert payment.status == Payment.Status.CANCELED and payment.mollie_id is None
    assert not Subscription.objects.filter(user=customer, status__in=Subscription.LIVE).exists()
    assert AuditEvent.objects.filter(action="subscription.not_started", subject_id=customer.pk).count() == 1
    assert not SandboxObject.objects.filter(kind=SandboxObject.Kind.PAYMENT).exists()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "Mollie configuration error" in errors[0]
    assert WRONG_KEY not in errors[0] and "sk-not-a-mollie-key" not in errors[0]
    assert "Abonnement afsluiten" in page or f"/portal/abonnement/afsluiten/{plan.pk}/" in page


def test_the_customer_reads_it_in_english(settings, mollie_sandbox, customer, plan):
    wrong_key(settings, mollie_sandbox)
    english = Client(headers={"accept-language": "en"})
    english.force_login(customer)
    response = english.post(f"/portal/abonnement/afsluiten/{plan.pk}/", follow=True)
    assert response.status_code == HTTPStatus.OK
    assert ENGLISH in response.content.decode()


def test_once_the_key_is_fixed_the_same_customer_subscribes_and_pays(settings, mollie_sandbox, logged_in, plan):
    wrong_key(settings, mollie_sandbox)
    logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    settings.MOLLIE_API_KEY = ""  # ops fixed it: the sandbox's own key again

    response = logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    assert response.status_code == HTTPStatus.FOUND and "/sandbox/mollie/checkout/" in response["Location"]
    checkout(response["Location"], "paid")
    assert Subscription.objects.get(status=Subscription.Status.ACTIVE).plan == plan


def test_a_refused_key_during_nu_betalen_closes_that_attempt_and_keeps_the_subscription_past_due(
    settings, mollie_sandbox, logged_in, customer, plan
):
    from mollie_sandbox import controls
    from subscriptions.models import MollieSubscription

    response = logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    remote = MollieSubscription.objects.get(subscription=subscription)
    controls.charge(remote.mollie_id, outcome="failed")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED

    wrong_key(settings, mollie_sandbox)
    response = logged_in.post(f"/portal/abonnement/{subscription.pk}/nu-betalen/", follow=True)
    assert response.status_code == HTTPStatus.OK and DUTCH in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    attempt = subscription.payments.filter(arrears_of__isnull=False).get()
    assert attempt.status == Payment.Status.CANCELED

    settings.MOLLIE_API_KEY = ""
    response = logged_in.post(f"/portal/abonnement/{subscription.pk}/nu-betalen/")
    assert "/sandbox/mollie/checkout/" in response["Location"]


def test_no_key_at_all_outside_the_sandbox_is_a_message_not_a_500(
    settings, mollie_sandbox, logged_in, customer, plan, monkeypatch, caplog
):
    """As production without MOLLIE_API_KEY would be, if it started at all."""
    from subscriptions import mollie

    monkeypatch.setattr(mollie, "sandbox_available", lambda: False)
    settings.MOLLIE_API_KEY = ""
    with caplog.at_level(logging.ERROR, logger="subscriptions.mollie"):
        response = logged_in.post(f"/portal/abonnement/afsluiten/{plan.pk}/", follow=True)
    assert response.status_code == HTTPStatus.OK and DUTCH in response.content.decode()
    assert Subscription.objects.get(user=customer).status == Subscription.Status.FAILED
    assert any("no API key is configured" in r.getMessage() for r in caplog.records)
