"""Staff close a paying customer's account, end a subscription or refund a payment through the
customer actions in the admin (staff with MFA, the Django test client), against the Mollie
sandbox: the same services and money rules as the customer's own closure, a clear message and
nothing changed at Mollie for a bad request."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import translation

from audit.models import AuditEvent
from core.formatting import euro
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions.models import CreditNote, Payment, Subscription
from subscriptions.services import closure
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    return Subscription.objects.get(pk=payment.subscription_id)


def url(customer, action: str) -> str:
    return f"/admin/accounts/user/{customer.pk}/klantactie/{action}/"


def refunds() -> list[Decimal]:
    return [Decimal(obj.data["amount"]["value"]) for obj in SandboxObject.objects.filter(kind="refund")]


def test_staff_closing_a_paying_customer_settles_like_the_customer_would(paid, customer, staff_client):
    client, staff = staff_client
    expected = closure.closure_outcome(user=customer).refund
    assert expected > 0
    response = client.post(url(customer, "close"), {"reason": "Verzoek per brief"})
    assert response.status_code == HTTPStatus.FOUND
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.CANCELED
    assert refunds() == [expected]
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="subscription")] == ["canceled"]
    payment = Payment.objects.get(subscription=paid)
    assert payment.amount_refunded == expected
    assert CreditNote.objects.get(invoice__payment=payment).amount_gross == -expected
    closing_mail = next(m for m in mail.outbox if "opgeheven" in m.subject)
    assert "(incl. btw) terug" in closing_mail.body
    requested = AuditEvent.objects.get(action="payment.refunded", actor_kind="staff")
    assert requested.actor_id == staff.pk


def test_staff_refund_part_of_a_payment_with_a_reason(paid, customer, staff_client):
    client, staff = staff_client
    payment = Payment.objects.get(subscription=paid)
    response = client.post(url(customer, "refund"), {"payment": payment.pk, "amount": "10,00", "reason": "Storing"})
    assert response.status_code == HTTPStatus.FOUND
    assert refunds() == [Decimal("10.00")]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert CreditNote.objects.get(invoice__payment=payment).amount_gross == Decimal("-10.00")
    event = next(
        e
        for e in AuditEvent.objects.filter(action="admin.changed", subject_id=customer.pk)
        if e.changes.get("admin_action") == [None, "refund"]
    )
    assert event.changes["reason"] == [None, "Storing"] and event.actor_id == staff.pk


@pytest.mark.parametrize("amount", ["999", "0", "-1", "abc", "1e9"])
def test_a_refund_of_a_wrong_amount_is_refused_and_nothing_reaches_mollie(paid, customer, staff_client, amount):
    client, _staff = staff_client
    payment = Payment.objects.get(subscription=paid)
    response = client.post(url(customer, "refund"), {"payment": payment.pk, "amount": amount, "reason": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert refunds() == []
    assert not AuditEvent.objects.filter(action="payment.refunded").exists()


@pytest.mark.parametrize("amount", ["abc", "-1", "0", "0,001", "1.000,00", "€ 999,99", "1" * 25])
def test_every_wrong_refund_amount_names_the_range_in_euro_the_dutch_way(paid, customer, staff_client, amount):
    """Django's own decimal field answered "-1" with "minstens 0.01" (an English point) and
    "1.000,00", an amount as Dutch staff write it, with "Voer een getal in."."""
    client, _staff = staff_client
    payment = Payment.objects.get(subscription=paid)
    response = client.post(url(customer, "refund"), {"payment": payment.pk, "amount": amount, "reason": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    if len(amount) > 20:
        assert "Vul een bedrag in euro in, bijvoorbeeld 10,00." in page
    else:
        with translation.override("nl"):
            expected = f"Het bedrag moet tussen {euro(Decimal('0.01'))} en {euro(payment.amount)} liggen."
        assert expected in page
    assert "0.01" not in page and "Voer een getal in" not in page
    assert refunds() == []
    payment.refresh_from_db()
    assert payment.amount_refunded == 0


@pytest.mark.parametrize(("typed", "expected"), [("1.000,00", "1000.00"), ("12,5", "12.50"), ("10.50", "10.50")])
def test_an_amount_is_read_as_dutch_staff_type_it(typed, expected):
    from subscriptions.admin import parse_euro_amount

    assert parse_euro_amount(typed) == Decimal(expected)


def test_mollie_unreachable_during_a_refund_gives_a_clear_message(paid, customer, staff_client):
    client, _staff = staff_client
    payment = Payment.objects.get(subscription=paid)
    controls.add_fault("http_503", target="POST payments/*/refunds", count=3)
    response = client.post(url(customer, "refund"), {"payment": payment.pk, "reason": "Storing"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Mollie gaf geen bruikbaar antwoord" in response.content.decode()
    assert refunds() == []
    assert not AuditEvent.objects.filter(action__in=["payment.refunded", "admin.changed"]).exists()


def test_staff_end_a_subscription_at_once_refund_the_unused_days_and_mail_the_customer(paid, customer, staff_client):
    client, staff = staff_client
    expected = closure.closure_outcome(user=customer).refund
    assert expected > 0
    page = client.get(url(customer, "cancel")).content.decode()
    with translation.override("nl"):
        assert f"Ongebruikte dagen terugbetalen, zoals bij opheffen: {euro(expected)}" in page
    mail.outbox.clear()
    response = client.post(url(customer, "cancel"), {"subscription": paid.pk, "refund": "pro_rata", "reason": "Fraude"})
    assert response.status_code == HTTPStatus.FOUND
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.CANCELED and paid.end_reason == "Fraude"
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="subscription")] == ["canceled"]
    assert refunds() == [expected]
    payment = Payment.objects.get(subscription=paid)
    assert CreditNote.objects.get(invoice__payment=payment).amount_gross == -expected
    [ended] = [m for m in mail.outbox if m.subject == "Uw abonnement is beëindigd"]
    with translation.override("nl"):
        assert f"U krijgt {euro(expected)} (incl. btw) terug" in ended.body
    settled = AuditEvent.objects.get(action="subscription.closure_settled", subject_id=customer.pk)
    assert settled.actor_id == staff.pk and settled.changes["refund"] == [None, str(expected)]

    # A second submit of the same form (double click, back button) ends nothing and refunds nothing.
    again = client.post(url(customer, "cancel"), {"subscription": paid.pk, "refund": "pro_rata", "reason": "Fraude"})
    assert again.status_code == HTTPStatus.FOUND  # the action is no longer offered at all
    assert refunds() == [expected]


def test_staff_may_end_without_a_refund_but_must_say_why(paid, customer, staff_client):
    client, _staff = staff_client
    mail.outbox.clear()
    response = client.post(url(customer, "cancel"), {"subscription": paid.pk, "refund": "none", "reason": "Misbruik"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Geef aan waarom er niets wordt terugbetaald." in response.content.decode()
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.ACTIVE and mail.outbox == []

    response = client.post(
        url(customer, "cancel"),
        {"subscription": paid.pk, "refund": "none", "no_refund_reason": "Afspraak met klant", "reason": "Misbruik"},
    )
    assert response.status_code == HTTPStatus.FOUND
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.CANCELED
    assert refunds() == []
    [ended] = [m for m in mail.outbox if m.subject == "Uw abonnement is beëindigd"]
    assert "Er wordt niets terugbetaald." in ended.body
    settled = AuditEvent.objects.get(action="subscription.closure_settled", subject_id=customer.pk)
    assert settled.changes["no_refund_reason"] == [None, "Afspraak met klant"]


@pytest.mark.parametrize("tampered", [{"refund": "alles"}, {"subscription": "999999"}, {"subscription": "x"}])
def test_a_tampered_end_form_changes_nothing(paid, customer, staff_client, tampered):
    client, _staff = staff_client
    data = {"subscription": paid.pk, "refund": "pro_rata", "reason": "Fraude", **tampered}
    response = client.post(url(customer, "cancel"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    paid.refresh_from_db()
    assert paid.status == Subscription.Status.ACTIVE and refunds() == []


def test_ending_is_not_offered_on_a_closed_account_without_a_subscription(customer, staff_client):
    from accounts.services import account_close

    client, _staff = staff_client
    account_close(user=customer, by=customer, reason="")
    page = client.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()
    assert url(customer, "cancel") not in page
    response = client.get(url(customer, "cancel"), follow=True)
    assert "Deze actie is voor deze klant nu niet mogelijk." in response.content.decode()


def test_the_refund_form_lists_only_what_can_still_be_refunded_in_euros(paid, customer, staff_client):
    client, _staff = staff_client
    payment = Payment.objects.get(subscription=paid)
    client.post(url(customer, "refund"), {"payment": payment.pk, "amount": "10,00", "reason": "Storing"})
    left = payment.amount - Decimal("10.00")
    page = client.get(url(customer, "refund")).content.decode()
    with translation.override("nl"):
        assert f"nog {euro(left)} terug te betalen" in page

    response = client.post(url(customer, "refund"), {"payment": payment.pk, "amount": "30,00", "reason": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = response.content.decode()
    with translation.override("nl"):
        assert f"Het bedrag moet tussen € 0,01 en {euro(left)} liggen." in text
    assert str(left) not in text  # never "19.00" with a dot
    assert refunds() == [Decimal("10.00")]

    client.post(url(customer, "refund"), {"payment": payment.pk, "reason": "Rest terug"})
    assert refunds() == [Decimal("10.00"), left]
    page = client.get(url(customer, "refund")).content.decode()
    assert f'value="{payment.pk}"' not in page  # fully refunded: no longer offered
    response = client.post(url(customer, "refund"), {"payment": payment.pk, "reason": "Nog eens"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Deze betaling kan niet (meer) worden terugbetaald." in response.content.decode()
    assert len(refunds()) == 2


def test_a_refund_of_another_customers_payment_is_refused(paid, customer, staff_client, make_user):
    client, _staff = staff_client
    other = make_user("pietersen")
    payment = Payment.objects.get(subscription=paid)
    response = client.post(url(other, "refund"), {"payment": payment.pk, "reason": "Verkeerde klant"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Deze betaling kan niet (meer) worden terugbetaald." in response.content.decode()
    assert refunds() == []
