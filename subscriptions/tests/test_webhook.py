"""POST /webhooks/mollie/: only `id`, answered fast, applied through the services by a task;
hostile input changes nothing and never causes a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection

from audit.models import AuditEvent
from mollie_sandbox import controls
from subscriptions import mollie
from subscriptions.models import Payment
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db
URL = "/webhooks/mollie/"


def _state():
    return (
        list(Payment.objects.order_by("id").values_list("id", "status", "amount_refunded")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def open_payment(subscribe):
    response, payment = subscribe()
    return payment


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_are_refused(client, method, open_payment):
    before = _state()
    assert getattr(client, method)(URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert _state() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"id": ""},
        {"id": "tr_"},
        {"id": "cst_abcdef"},
        {"id": "tr_abc'; DROP TABLE x;--"},
        {"id": "tr_<script>alert(1)</script>"},
        {"id": "tr_" + "a" * 200},
        {"id": "tr_abcdef", "status": "paid"},
        {"id": ["tr_abcdef", "tr_ghijkl"]},
        {"id": "tr_abcdef\n"},  # a trailing newline is not part of an id
        {"id": " tr_abcdef"},
    ],
)
def test_malformed_or_tampered_bodies_change_nothing(client, body, open_payment):
    before = _state()
    response = client.post(URL, body)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _state() == before


def test_a_huge_body_is_refused_without_reading_it(client, open_payment):
    before = _state()
    response = client.post(
        URL, data="id=tr_abcdef&x=" + "A" * 5_000_000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert _state() == before


def test_a_json_body_is_not_a_webhook(client, open_payment):
    response = client.post(URL, {"id": open_payment.mollie_id}, content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_an_unknown_id_gets_200_and_changes_nothing(client, open_payment):
    before = _state()
    assert client.post(URL, {"id": "tr_unknownpayment"}).status_code == HTTPStatus.OK
    assert _state() == before


def test_a_payment_of_someone_else_at_mollie_is_ignored(client, mollie_sandbox, open_payment):
    api_client = mollie.client()
    stranger = api_client.payments.create(
        {
            "amount": {"currency": "EUR", "value": "1.00"},
            "description": "x",
            "redirectUrl": "https://x.example/",
            "metadata": {"payment": open_payment.pk},
        }
    )
    controls.add_fault("webhook_drop")
    controls.set_status(stranger.id, "paid")
    before = _state()
    assert client.post(URL, {"id": stranger.id}).status_code == HTTPStatus.OK
    assert _state() == before
    assert not Payment.objects.filter(mollie_id=stranger.id).exists()


def test_the_body_is_only_a_hint_the_status_comes_from_mollie(client, open_payment):
    # Nothing happened at Mollie: a webhook for this payment changes nothing.
    assert client.post(URL, {"id": open_payment.mollie_id}).status_code == HTTPStatus.OK
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN


def test_a_known_id_is_fetched_and_applied(client, open_payment):
    controls.add_fault("webhook_drop")
    checkout(open_payment.checkout_url, "paid")
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN
    assert client.post(URL, {"id": open_payment.mollie_id}).status_code == HTTPStatus.OK
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.PAID


def test_duplicate_and_late_deliveries_end_in_the_same_state(client, open_payment):
    controls.add_fault("webhook_duplicate", count=10)
    checkout(open_payment.checkout_url, "paid")
    for _ in range(3):
        client.post(URL, {"id": open_payment.mollie_id})
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.PAID
    assert AuditEvent.objects.filter(action="payment.paid", target_id=str(open_payment.pk)).count() == 1
    assert open_payment.invoice.number.endswith("00001")


@pytest.mark.django_db(transaction=True)  # closes the test's connection
def test_the_webhook_answers_503_when_the_database_is_down(client, open_payment):
    before = _state()
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.post(URL, {"id": open_payment.mollie_id})
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert _state() == before


def test_the_webhook_answers_503_when_mollie_cannot_be_asked(client, open_payment):
    controls.add_fault("webhook_drop")
    checkout(open_payment.checkout_url, "paid")
    controls.add_fault("http_503", target="GET payments/*", count=3)
    response = client.post(URL, {"id": open_payment.mollie_id})
    # In-process tasks: the failure reaches the webhook, which asks Mollie to try again.
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN
    assert client.post(URL, {"id": open_payment.mollie_id}).status_code == HTTPStatus.OK
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.PAID


def test_a_delivery_for_an_id_whose_task_is_still_queued_is_coalesced(client, open_payment):
    from django.core.cache import cache

    from subscriptions.tasks import WEBHOOK_QUEUED

    controls.add_fault("webhook_drop")
    checkout(open_payment.checkout_url, "paid")
    cache.add(WEBHOOK_QUEUED.format(open_payment.mollie_id), 1, timeout=600)  # a task is waiting
    assert client.post(URL, {"id": open_payment.mollie_id}).status_code == HTTPStatus.OK
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN  # left to the waiting task
    cache.delete(WEBHOOK_QUEUED.format(open_payment.mollie_id))  # the task started
    assert client.post(URL, {"id": open_payment.mollie_id}).status_code == HTTPStatus.OK
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.PAID
