"""POST /api/v1/orders/ and GET /api/v1/orders/{number}/: what a webshop sees."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from koppeling.models import ApiKey
from koppeling.services import api_key_revoke
from koppeling.tests.conftest import subscribe
from webshop.models import Order
from webshop.tests.conftest import Api, lines, new_key, order

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_new_order_is_stored_with_amounts_computed_in_decimals(api, shop_owner):
    response = api.post(order())

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    # 3 x 4.95 = 14.85 at 9%; 19.99 + 6.95 shipping = 26.94 at 21%
    assert body["amounts"] == {"net": "41.79", "vat": "7.00", "gross": "48.79"}
    assert body["status"] == "received"
    assert body["exact"] is None and body["error"] is None
    stored = Order.objects.get(user=shop_owner, number="WS-1001")
    assert stored.amount_vat == Decimal("7.00")  # 1.3365 -> 1.34 and 5.6574 -> 5.66
    assert stored.paid_in_webshop is True
    assert stored.payload["customer"]["email"] == "anna@example.nl"


def test_the_same_order_again_answers_the_stored_one_and_stores_nothing_new(api):
    first = api.post(order())
    again = api.post(order(lines=[{**order()["lines"][0], "quantity": "3.000"}, order()["lines"][1]]))

    assert first.status_code == HTTPStatus.CREATED
    assert again.status_code == HTTPStatus.OK
    assert again.json() == first.json()
    assert Order.objects.count() == 1


def test_the_same_number_with_other_content_is_a_conflict(api):
    api.post(order())
    response = api.post(order(paid=False))

    assert response.status_code == HTTPStatus.CONFLICT
    assert response["Content-Type"] == PROBLEM
    assert "WS-1001" in response.json()["detail"]
    assert Order.objects.get().paid_in_webshop is True


def test_an_idempotency_key_replays_and_refuses_other_content(api):
    first = api.post(order(), headers={"Idempotency-Key": "abc-1"})
    replay = api.post(order(), headers={"Idempotency-Key": "abc-1"})
    other = api.post(order(number="WS-1002"), headers={"Idempotency-Key": "abc-1"})

    assert (first.status_code, replay.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert other.status_code == HTTPStatus.CONFLICT
    assert "Idempotency-Key" in other.json()["detail"]
    assert list(Order.objects.values_list("number", flat=True)) == ["WS-1001"]


def test_the_status_shows_what_the_sync_made_of_the_order(api, shop_owner):
    api.post(order())
    assert api.get("WS-1001").json()["status"] == "received"

    Order.objects.filter(number="WS-1001").update(
        status=Order.Status.SYNCED, exact_invoice_number="24000017", exact_invoice_id="a1b2", payment_status="paid"
    )
    synced = api.get("WS-1001").json()
    assert synced["status"] == "synced"
    assert synced["exact"] == {"invoice_number": "24000017", "invoice_id": "a1b2"}
    assert synced["payment_status"] == "paid"

    Order.objects.filter(number="WS-1001").update(
        status=Order.Status.FAILED, error_message="VAT code 2 unknown", error_hint="Kies een btw-code"
    )
    failed = api.get("WS-1001").json()
    assert failed["error"] == {"message": "VAT code 2 unknown", "hint": "Kies een btw-code"}


def test_another_customers_order_number_is_not_found(api, make_user):
    other = make_user("ander")
    subscribe(other)
    Api(new_key(other)).post(order(number="THEIRS-1"))

    response = api.get("THEIRS-1")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == PROBLEM
    assert "THEIRS" not in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": lines(501)}, "lines"),
        ({"lines": []}, "lines"),
        ({"lines": [{**lines(1)[0], "quantity": "-1"}]}, "lines.0.quantity"),
        ({"lines": [{**lines(1)[0], "vat_rate": 6}]}, "lines.0.vat_rate"),
        ({"lines": [{**lines(1)[0], "unit_price": "abc"}]}, "lines.0.unit_price"),
        ({"lines": [{**lines(1)[0], "unit_price": "NaN"}]}, "lines.0.unit_price"),
        ({"lines": [{**lines(1)[0], "unit_price": "1.123456"}]}, "lines.0.unit_price"),
        ({"lines": "alles"}, "lines"),
        ({"currency": "USD"}, "currency"),
        ({"date": "gisteren"}, "date"),
        ({"number": "WS 1/2"}, "number"),
        ({"number": "x" * 65}, "number"),
        ({"paid": "ja"}, "paid"),
        ({"unexpected": 1}, "unexpected"),
        ({"customer": {**order()["customer"], "email": "geen-adres"}}, "customer.email"),
        (
            {"customer": {**order()["customer"], "address": {**order()["customer"]["address"], "country": "XX"}}},
            "customer.address.country",
        ),
        ({"customer": None}, "customer"),
        ({"customer": {**order()["customer"], "name": "Anna\x00"}}, "customer.name"),
        ({"lines": [{**lines(1)[0], "description": "half \ud800 teken"}]}, "lines.0.description"),
        ({"lines": [{**lines(1)[0], "vat_rate": "21"}]}, "lines.0.vat_rate"),
        ({"lines": [{**lines(1)[0], "vat_rate": True}]}, "lines.0.vat_rate"),
        ({"date": 20261201}, "date"),
    ],
)
def test_invalid_input_answers_400_with_the_field_and_stores_nothing(api, change, field):
    response = api.post(order(**change))

    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Ongeldige bestelling"
    assert field in [error["field"] for error in body["errors"]]
    assert all(error["message"] for error in body["errors"])
    assert not Order.objects.exists()


def test_an_idempotency_key_with_control_characters_is_refused(api):
    response = api.post(order(), headers={"Idempotency-Key": "a\tb"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Order.objects.exists()


def test_a_missing_field_is_named_in_dutch(api):
    data = order()
    del data["customer"]["address"]["city"]

    error = api.post(data).json()["errors"][0]

    assert error == {"field": "customer.address.city", "message": "Dit veld is verplicht.", "code": "missing"}


def test_an_order_with_500_lines_is_taken(api):
    response = api.post(order(lines=lines(500), shipping=None))

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["amounts"] == {"net": "1250.00", "vat": "262.50", "gross": "1512.50"}


def test_a_total_too_large_to_store_is_refused(api):
    huge = [{**line, "quantity": "100000", "unit_price": "1000000"} for line in lines(200)]

    response = api.post(order(lines=huge))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Order.objects.exists()


@pytest.mark.parametrize("raw", ["{", "[]", "null", '"x"', "1e999999", "[" * 5000 + "]" * 5000, "\xff\xfe"])
def test_a_body_that_is_not_an_order_answers_400(api, raw):
    response = api.post(None, raw=raw)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == PROBLEM
    assert not Order.objects.exists()


def test_a_huge_body_answers_413_before_it_is_read(api):
    response = api.post(None, raw='{"number": "' + "x" * 300_000 + '"}')

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer ekp_unknown", "Basic dXNlcjpwdw==", "Bearer " + "x" * 5000]
)
def test_no_or_an_unknown_key_answers_401(shop_owner, authorization):
    api = Api(None)
    headers = {"Authorization": authorization} if authorization else {}

    response = api.post(order(), headers=headers)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api.get("WS-1001", headers=headers).status_code == HTTPStatus.UNAUTHORIZED
    assert not Order.objects.exists()


def test_a_revoked_key_answers_401(api, shop_owner):
    key = ApiKey.objects.get(user=shop_owner)
    api_key_revoke(user=shop_owner, by=shop_owner, key_id=key.pk)

    assert api.post(order()).status_code == HTTPStatus.UNAUTHORIZED


def test_a_subscription_that_ends_is_refused_within_seconds(api, shop_owner):
    from webshop.api import LIVE_SUBSCRIPTION_MEMORY

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert api.post(order(number="A-1")).status_code == HTTPStatus.CREATED
        shop_owner.subscriptions.update(status="ended", ended_at=timezone.now())
    with time_machine.travel(start + timezone.timedelta(seconds=LIVE_SUBSCRIPTION_MEMORY + 1), tick=False):
        assert api.post(order(number="A-2")).status_code == HTTPStatus.FORBIDDEN


def test_a_customer_without_a_live_subscription_gets_403_with_the_reason(api, shop_owner):
    shop_owner.subscriptions.update(status="ended", ended_at=timezone.now())

    response = api.post(order())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["title"] == "Geen lopend abonnement"
    assert not Order.objects.exists()


def test_the_limit_per_key_answers_429_with_retry_after(api, settings):
    settings.WEBSHOP_API_REQUESTS_PER_MINUTE = 3
    start = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(start, tick=False):
        answers = [api.get("NONE").status_code for _ in range(3)]
        limited = api.post(order())
    assert answers == [HTTPStatus.NOT_FOUND] * 3
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert limited["Retry-After"] == "50"
    assert not Order.objects.exists()
    with time_machine.travel(start.replace(second=0) + timezone.timedelta(minutes=1), tick=False):
        assert api.post(order()).status_code == HTTPStatus.CREATED


def test_last_used_is_written_at_most_once_a_minute(api, shop_owner):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        api.get("X")
    with time_machine.travel(start + timezone.timedelta(seconds=50), tick=False):
        api.get("X")
    assert ApiKey.objects.get(user=shop_owner).last_used_at == start
    with time_machine.travel(start + timezone.timedelta(seconds=61), tick=False):
        api.get("X")
    assert ApiKey.objects.get(user=shop_owner).last_used_at == start + timezone.timedelta(seconds=61)


def test_problems_are_in_english_when_asked(api):
    response = api.post(order(currency="USD"), headers={"Accept-Language": "en"})

    assert response.json()["title"] == "Invalid order"


@pytest.mark.parametrize("status", ["pending", "active", "suspended", "canceled", "ended"])
@pytest.mark.parametrize("canceling", [False, True])
def test_the_apis_subscription_check_agrees_with_billing(customer, status, canceling):
    from subscriptions.selectors import billing_summary, subscription_is_live

    subscribe(customer, status=status)
    customer.subscriptions.update(cancel_at_period_end=canceling)

    assert subscription_is_live(user=customer) == billing_summary(user=customer).is_live
