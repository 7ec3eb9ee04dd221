"""Webshop API fixtures: a subscribed customer with a live key, and a valid order."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from koppeling.tests.conftest import subscribe

ORDER = {
    "number": "WS-1001",
    "date": "2026-12-01",
    "currency": "EUR",
    "customer": {
        "name": "Anna de Vries",
        "company": "De Vries Bloemen",
        "email": "anna@example.nl",
        "phone": "+31 40 123 4567",
        "address": {"street": "Markt 1", "postal_code": "5611 AA", "city": "Eindhoven", "country": "NL"},
        "vat_id": "NL123456789B01",
    },
    "lines": [
        {"sku": "TULP-10", "description": "Tulpen, bos van 10", "quantity": 3, "unit_price": "4.95", "vat_rate": 9},
        {"sku": "VAAS-L", "description": "Vaas, groot", "quantity": "1", "unit_price": "19.99", "vat_rate": 21},
    ],
    "shipping": {"amount": "6.95", "vat_rate": 21},
    "paid": True,
}


def order(**changes) -> dict:
    data = copy.deepcopy(ORDER)
    data.update(changes)
    return data


def lines(n: int) -> list[dict]:
    return [
        {"sku": f"SKU-{i}", "description": f"Artikel {i}", "quantity": "2", "unit_price": "1.25", "vat_rate": 21}
        for i in range(n)
    ]


def accept_processor_agreement(user) -> None:
    from webshop.services import processor_agreement_accept

    processor_agreement_accept(user=user, by=user, ip="192.0.2.1", user_agent="pytest")


def new_key(user) -> str:
    from koppeling.services import api_key_create

    _key, raw = api_key_create(user=user, by=user, name="Webwinkel")
    return raw


class Api:
    """A webshop talking to /api/v1/ with its key."""

    def __init__(self, raw_key: str | None):
        self.client = Client()
        self.raw_key = raw_key

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.raw_key}"} if self.raw_key else {}
        for name, value in (extra or {}).items():
            headers["HTTP_" + name.upper().replace("-", "_")] = value
        return headers

    def post(self, data, *, headers: dict | None = None, raw: bytes | str | None = None):
        body = raw if raw is not None else __import__("json").dumps(data)
        return self.client.post("/api/v1/orders/", data=body, content_type="application/json", **self.headers(headers))

    def get(self, number: str, *, headers: dict | None = None):
        return self.client.get(f"/api/v1/orders/{number}/", **self.headers(headers))


@pytest.fixture
def shop_owner(customer):
    subscribe(customer)
    accept_processor_agreement(customer)
    return customer


@pytest.fixture
def api(shop_owner) -> Api:
    return Api(new_key(shop_owner))


@pytest.fixture(autouse=True)
def _forget_known_acceptances():
    """Each test starts without the process's memory of accepted agreements and live subscriptions."""
    from webshop.api import _LIVE_UNTIL
    from webshop.selectors import _ACCEPTED

    _ACCEPTED.clear()
    _LIVE_UNTIL.clear()
    yield
    _ACCEPTED.clear()
    _LIVE_UNTIL.clear()
