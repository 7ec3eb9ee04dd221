"""The sandbox speaks Mollie's v2 API: the real client works against it, and the shapes,
errors and idempotency behave as Mollie documents them."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.management import call_command
from mollie.api.client import Client
from mollie.api.error import NotFoundError, UnauthorizedError, UnprocessableEntityError
from mollie.api.objects.customer import Customer

from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject, SandboxWebhook
from subscriptions import mollie

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = {
    "amount": {"currency": "EUR", "value": "35.09"},
    "description": "Eerste termijn",
    "sequenceType": "first",
    "redirectUrl": "https://portal.example/terug",
}


def _customer(client):
    return client.customers.create({"name": "Jansen BV", "email": "j@example.com"})


def test_a_first_payment_has_mollies_shape_and_a_checkout_link(mollie_sandbox):
    client = mollie.client()
    customer = _customer(client)
    payment = client.payments.create({**FIRST, "customerId": customer.id}, idempotency_key="k-1")
    assert payment.id.startswith("tr_")
    assert payment.status == "open"
    assert payment.amount == {"currency": "EUR", "value": "35.09"}
    assert payment.sequence_type == "first"
    assert payment.customer_id == customer.id
    assert payment.checkout_url.startswith(mollie_sandbox.url + "/sandbox/mollie/checkout/tr_")
    assert payment.paid_at is None and not payment.is_paid()
    assert payment["amountRefunded"] == {"currency": "EUR", "value": "0.00"}
    assert payment.created_at.endswith("+00:00")


def test_paying_in_the_checkout_sets_paid_at_and_creates_a_valid_mandate(mollie_sandbox):
    client = mollie.client()
    customer = _customer(client)
    payment = client.payments.create({**FIRST, "customerId": customer.id})
    page = mollie_sandbox.url + f"/sandbox/mollie/checkout/{payment.id}/"
    from django.test import Client

    response = Client().post(page.replace(mollie_sandbox.url, ""), {"outcome": "paid", "method": "creditcard"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://portal.example/terug"
    paid = client.payments.get(payment.id)
    assert paid.status == "paid" and paid.is_paid()
    assert paid.checkout_url is None
    mandates = list(Customer({"id": customer.id}, client).mandates.list())
    assert [m.status for m in mandates] == ["valid"]
    assert paid.mandate_id == mandates[0].id


@pytest.mark.parametrize(
    ("language", "heading", "invalid"),
    [("nl", "Afrekenen", "Kies een uitkomst."), ("en", "Checkout", "Choose an outcome.")],
)
def test_the_checkout_speaks_the_payers_language_and_refuses_a_made_up_outcome(
    mollie_sandbox, language, heading, invalid
):
    from django.test import Client

    client = mollie.client()
    payment = client.payments.create({**FIRST, "customerId": _customer(client).id})
    browser = Client(headers={"accept-language": language})
    page = f"/sandbox/mollie/checkout/{payment.id}/"
    assert f"<h1>{heading}</h1>" in browser.get(page).content.decode()
    response = browser.post(page, {"outcome": "<script>paid</script>", "method": "creditcard"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert invalid in response.content.decode()
    assert client.payments.get(payment.id).status == "open"


@pytest.mark.parametrize("outcome", ["failed", "canceled", "expired"])
def test_other_checkout_outcomes_end_the_payment_without_paid_at(mollie_sandbox, outcome):
    client = mollie.client()
    payment = client.payments.create(FIRST | {"customerId": _customer(client).id})
    controls.set_status(payment.id, outcome)
    again = client.payments.get(payment.id)
    assert again.status == outcome
    assert again.paid_at is None


def test_errors_have_mollies_body(api):
    response = api.post(api.base + "payments", json={**FIRST, "amount": {"currency": "EUR", "value": "10"}})
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Unprocessable Entity"
    assert body["field"] == "amount.value" and body["detail"]
    assert body["_links"]["documentation"]["href"].startswith("https://docs.mollie.com/")
    missing = api.get(api.base + "payments/tr_doesnotexist")
    assert missing.status_code == 404 and missing.json()["detail"] == "No payment exists with token tr_doesnotexist."


def test_the_client_raises_its_own_exceptions_for_sandbox_errors(mollie_sandbox):
    client = mollie.client()
    with pytest.raises(NotFoundError):
        client.payments.get("tr_nothere")
    with pytest.raises(UnprocessableEntityError) as excinfo:
        client.payments.create({**FIRST, "sequenceType": "recurring", "customerId": _customer(client).id})
    assert excinfo.value.field == "mandateId" or excinfo.value.field == "customerId"


def test_a_live_key_or_no_key_is_refused(api):
    assert api.get(api.base + "payments", headers={"Authorization": "Bearer live_abcdefghijk"}).status_code == 401
    assert api.get(api.base + "payments", headers={"Authorization": ""}).json()["status"] == 401


def test_a_test_key_that_is_not_the_sandboxs_own_is_refused_before_anything_happens(mollie_sandbox):
    """As Mollie answers a wrong or revoked key: 401 with Mollie's error body; the real
    client raises its UnauthorizedError, and nothing is created."""
    client = Client(api_endpoint=mollie_sandbox.url + "/sandbox/mollie", retry=0)
    client.set_api_key("test_revokedkeyofanotheraccount9876")
    with pytest.raises(UnauthorizedError) as excinfo:
        client.customers.create({"name": "Jansen BV"}, idempotency_key="customer-1")
    assert excinfo.value.status == 401 and "authenticate" in str(excinfo.value)
    assert not SandboxObject.objects.exists()


def test_an_idempotency_key_replays_the_stored_answer(api):
    first = api.post(api.base + "customers", json={"name": "A"}, headers={"Idempotency-Key": "same"})
    again = api.post(api.base + "customers", json={"name": "A"}, headers={"Idempotency-Key": "same"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert SandboxObject.objects.filter(kind="customer").count() == 1
    other = api.post(api.base + "customers", json={"name": "B"}, headers={"Idempotency-Key": "same"})
    assert other.status_code == 400
    assert other.json()["field"] == "Idempotency-Key"


def test_deleting_a_customer_cancels_its_subscriptions_revokes_its_mandates_and_keeps_its_payments(
    mollie_sandbox,
):
    client = mollie.client()
    customer = Customer({"id": _customer(client).id}, client)
    payment = client.payments.create({**FIRST, "customerId": customer.id})
    controls.set_status(payment.id, "paid")
    subscription = customer.subscriptions.create(
        {"amount": {"currency": "EUR", "value": "35.09"}, "interval": "1 month", "description": "Basis #1"}
    )
    client.customers.delete(customer.id, idempotency_key="customer-delete-1")

    with pytest.raises(NotFoundError):
        client.customers.get(customer.id)
    mollie.customer_delete(customer_id=customer.id, idempotency_key="customer-delete-2")  # gone: done
    assert SandboxObject.objects.get(pk=subscription.id).data["status"] == "canceled"
    assert {m.data["status"] for m in SandboxObject.objects.filter(kind="mandate")} == {"invalid"}
    assert client.payments.get(payment.id).customer_id == customer.id  # Mollie keeps the payments


def test_a_subscription_needs_a_mandate_and_its_charges_are_its_payments(mollie_sandbox):
    client = mollie.client()
    customer = Customer({"id": _customer(client).id}, client)
    data = {
        "amount": {"currency": "EUR", "value": "35.09"},
        "interval": "1 month",
        "description": "Basis #1",
        "webhookUrl": "https://portal.example/webhooks/mollie/",
    }
    with pytest.raises(UnprocessableEntityError):
        customer.subscriptions.create(data)
    payment = client.payments.create({**FIRST, "customerId": customer.id})
    controls.set_status(payment.id, "paid")
    subscription = customer.subscriptions.create({**data, "startDate": "2030-01-15"})
    assert subscription.status == "active"
    assert subscription.next_payment_date == "2030-01-15"
    assert subscription["times"] is None  # open-ended: the raw field, not .times
    assert subscription.customer_id == customer.id
    charge = controls.charge(subscription.id)
    payments = list(customer.subscriptions.get(subscription.id).payments.list())
    assert [p.id for p in payments] == [charge.id]
    assert payments[0].status == "paid" and payments[0].subscription_id == subscription.id
    assert payments[0].sequence_type == "recurring"
    assert customer.subscriptions.get(subscription.id).next_payment_date == "2030-02-15"
    assert SandboxWebhook.objects.filter(object_id=charge.id).exists()


def test_a_cancelled_subscription_cannot_be_updated(mollie_sandbox):
    client = mollie.client()
    customer = Customer({"id": _customer(client).id}, client)
    controls.set_status(client.payments.create({**FIRST, "customerId": customer.id}).id, "paid")
    subscription = customer.subscriptions.create(
        {"amount": {"currency": "EUR", "value": "1.00"}, "interval": "1 month", "description": "x"}
    )
    cancelled = customer.subscriptions.delete(subscription.id)
    assert cancelled.status == "canceled" and cancelled.canceled_at
    with pytest.raises(UnprocessableEntityError):
        customer.subscriptions.update(subscription.id, {"description": "y"})


def test_refunds_and_chargebacks_show_in_the_amount_fields(mollie_sandbox):
    client = mollie.client()
    payment = client.payments.create({**FIRST, "customerId": _customer(client).id})
    controls.set_status(payment.id, "paid")
    refund = client.payments.get(payment.id).refunds.create({"amount": {"currency": "EUR", "value": "5.09"}})
    assert refund.id.startswith("re_")
    after = client.payments.get(payment.id)
    assert after.status == "paid"
    assert after.amount_refunded == {"currency": "EUR", "value": "5.09"}
    assert after.amount_remaining == {"currency": "EUR", "value": "30.00"}
    controls.chargeback(payment.id)
    assert client.payments.get(payment.id).amount_chargedback == {"currency": "EUR", "value": "35.09"}
    with pytest.raises(UnprocessableEntityError):
        client.payments.get(payment.id).refunds.create({"amount": {"currency": "EUR", "value": "99.00"}})


def test_the_control_page_is_for_staff_only(mollie_sandbox, client, make_user):
    url = "/sandbox/mollie/controls/"
    assert client.get(url).status_code == HTTPStatus.FOUND  # to the login
    client.force_login(make_user("gewoon"))
    assert client.get(url).status_code == HTTPStatus.FOUND
    staff = make_user("medewerker", staff=True)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "Sandbox-bediening" in response.content.decode()
    page = client.post(
        url, {"action": "fault", "kind": "http_500", "target": "POST payments", "count": "2"}, follow=True
    )
    assert "Storing ingesteld: http_500 POST payments ×2" in page.content.decode()
    page = client.post(url, {"action": "charge", "object_id": "sub_doesnotexist"}, follow=True)
    assert "No subscription exists with token sub_doesnotexist." in page.content.decode()
    assert client.post(url, {"action": "clear_faults"}).status_code == HTTPStatus.FOUND
    from mollie_sandbox.models import SandboxFault

    assert not SandboxFault.objects.filter(remaining__gt=0).exists()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "<h1>Sandbox controls</h1>" in english and "Send held webhooks (reverse order)" in english
    page = client.post(url, {"action": "nonsense"}, headers={"accept-language": "en"}, follow=True)
    assert "Unknown action." in page.content.decode()


def test_the_command_injects_faults_and_charges(mollie_sandbox, capsys):
    call_command("mollie_sandbox", "fault", "http_503", "--target", "GET payments/*", "--count", "1")
    api_client = mollie.client()
    from mollie.api.error import ResponseError

    with pytest.raises(ResponseError) as excinfo:
        api_client.payments.get("tr_whatever1")
    assert excinfo.value.status == 503
    with pytest.raises(NotFoundError):
        api_client.payments.get("tr_whatever1")  # the fault was used up
    call_command("mollie_sandbox", "fault", "http_500", "--count", "5")
    call_command("mollie_sandbox", "clear-faults")
    assert api_client.customers.create({"name": "na opheffen"}).id.startswith("cst_")
