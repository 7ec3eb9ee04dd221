"""Every response shape the portal relies on, as the sandbox serves it over HTTP, fits
Mollie's published description of the v2 API: the response models of Mollie's own SDK
generated from its OpenAPI document (mollie-api-py, pinned in requirements-contract.txt,
run in a virtualenv of its own). Customers, payments (first, recurring, refunded, charged
back), mandates, subscriptions, refunds, chargebacks, their lists, and errors.

When the SDK cannot be installed or loaded, these tests fail: they never skip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mollie_sandbox import contract, controls
from mollie_sandbox.testing import checkout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def sdk_contract():
    """Builds the contract virtualenv on first use (from PyPI) and proves it loads."""
    problems = contract.check([])
    assert problems == {}
    return contract.check


def _json(response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_the_sdk_models_catch_what_the_sandbox_used_to_leave_out(sdk_contract):
    """The check can fail: a customer without ``_links.dashboard`` and a mandate with a
    made-up status are refused by the contract."""
    customer = {
        "resource": "customer",
        "id": "cst_x",
        "mode": "test",
        "name": None,
        "email": None,
        "locale": None,
        "metadata": None,
        "createdAt": "2026-01-01T00:00:00+00:00",
        "_links": {"self": {"href": "https://x", "type": "application/hal+json"}},
    }
    problems = sdk_contract([{"name": "customer", "model": "CustomerResponse", "body": customer}])
    assert any("dashboard" in problem for problem in problems["customer"])
    customer["_links"]["dashboard"] = customer["_links"]["documentation"] = customer["_links"]["self"]
    customer["mode"] = "sandbox"
    problems = sdk_contract([{"name": "customer", "model": "CustomerResponse", "body": customer}])
    assert problems["customer"] == ["mode: 'sandbox' is not one of ['live', 'test']"]


def test_every_response_the_portal_reads_fits_mollies_published_models(sdk_contract, api):
    cases: list[dict] = []

    def add(name: str, model: str, body: dict) -> dict:
        cases.append({"name": name, "model": model, "body": body})
        return body

    # Customers.
    customer = add(
        "customer created",
        "CustomerResponse",
        _json(api.post(api.base + "customers", json={"name": "Jan de Vries", "email": "jan@example.nl"}), 201),
    )
    customer_id = customer["id"]
    add("customer", "CustomerResponse", _json(api.get(api.base + f"customers/{customer_id}"), 200))
    add("customer list", "ListCustomersResponseBody", _json(api.get(api.base + "customers"), 200))

    # A first payment, open, then paid in the checkout (which makes a mandate).
    first = add(
        "first payment created",
        "PaymentResponse",
        _json(
            api.post(
                api.base + f"customers/{customer_id}/payments",
                json={
                    "amount": {"currency": "EUR", "value": "35.09"},
                    "description": "Basis: eerste termijn",
                    "sequenceType": "first",
                    "redirectUrl": "https://portal.example.nl/terug",
                    "webhookUrl": "https://portal.example.nl/webhooks/mollie/",
                    "metadata": {"payment": 1},
                },
            ),
            201,
        ),
    )
    checkout(first["_links"]["checkout"]["href"], "paid")
    paid = add("first payment paid", "PaymentResponse", _json(api.get(api.base + f"payments/{first['id']}"), 200))
    add(
        "customer payments",
        "ListCustomerPaymentsResponseBody",
        _json(api.get(api.base + f"customers/{customer_id}/payments"), 200),
    )

    # Mandates.
    mandates = add(
        "mandate list", "ListMandatesResponseBody", _json(api.get(api.base + f"customers/{customer_id}/mandates"), 200)
    )
    mandate_id = paid["mandateId"]
    assert [m["id"] for m in mandates["_embedded"]["mandates"]] == [mandate_id]
    add(
        "mandate",
        "MandateResponse",
        _json(api.get(api.base + f"customers/{customer_id}/mandates/{mandate_id}"), 200),
    )
    # A direct-debit mandate (an iDEAL first payment), whose details the subscription page
    # shows as a masked IBAN and the holder (as the card's brand, last four and expiry above).
    other = _json(api.post(api.base + "customers", json={"name": "Piet Bank", "email": "piet@example.nl"}), 201)
    ideal = _json(
        api.post(
            api.base + f"customers/{other['id']}/payments",
            json={
                "amount": {"currency": "EUR", "value": "35.09"},
                "description": "Basis: eerste termijn",
                "sequenceType": "first",
                "redirectUrl": "https://portal.example.nl/terug",
            },
        ),
        201,
    )
    checkout(ideal["_links"]["checkout"]["href"], "paid", method="ideal")
    ideal_paid = _json(api.get(api.base + f"payments/{ideal['id']}"), 200)
    bank = add(
        "mandate (direct debit)",
        "MandateResponse",
        _json(api.get(api.base + f"customers/{other['id']}/mandates/{ideal_paid['mandateId']}"), 200),
    )
    assert bank["method"] == "directdebit" and set(bank["details"]) >= {"consumerName", "consumerAccount"}

    # Subscriptions: created, read, updated, charged, listed, cancelled.
    subscriptions = api.base + f"customers/{customer_id}/subscriptions"
    subscription = add(
        "subscription created",
        "SubscriptionResponse",
        _json(
            api.post(
                subscriptions,
                json={
                    "amount": {"currency": "EUR", "value": "35.09"},
                    "interval": "1 month",
                    "description": "Basis #1-0",
                    "mandateId": mandate_id,
                    "webhookUrl": "https://portal.example.nl/webhooks/mollie/",
                    "metadata": {"subscription": 1},
                },
            ),
            201,
        ),
    )
    one = f"{subscriptions}/{subscription['id']}"
    add("subscription", "SubscriptionResponse", _json(api.get(one), 200))
    add(
        "subscription updated",
        "SubscriptionResponse",
        _json(api.patch(one, json={"mandateId": mandate_id}), 200),
    )
    # A plan change: the next charges at the new amount and name.
    add(
        "subscription amount updated",
        "SubscriptionResponse",
        _json(
            api.patch(one, json={"amount": {"currency": "EUR", "value": "59.29"}, "description": "Premium #1-0"}),
            200,
        ),
    )
    charge = controls.charge(subscription["id"], outcome="paid")
    # The pro-rata charge of an upgrade: a one-off charge on the mandate.
    add(
        "recurring payment on the mandate",
        "PaymentResponse",
        _json(
            api.post(
                api.base + "payments",
                json={
                    "amount": {"currency": "EUR", "value": "16.40"},
                    "description": "Premium: verrekening overstap van Basis",
                    "customerId": customer_id,
                    "mandateId": mandate_id,
                    "sequenceType": "recurring",
                    "webhookUrl": "https://portal.example.nl/webhooks/mollie/",
                    "metadata": {"payment": 7},
                },
            ),
            201,
        ),
    )
    add("recurring payment", "PaymentResponse", _json(api.get(api.base + f"payments/{charge.id}"), 200))
    add(
        "subscription payments",
        "ListSubscriptionPaymentsResponseBody",
        _json(api.get(one + "/payments"), 200),
    )
    add("subscription list", "ListSubscriptionsResponseBody", _json(api.get(subscriptions), 200))

    # Refunds and chargebacks, and the payment that carries their amounts.
    refund = add(
        "refund created",
        "RefundResponse",
        _json(
            api.post(
                api.base + f"payments/{first['id']}/refunds",
                json={"amount": {"currency": "EUR", "value": "10.00"}, "description": "Terugbetaling"},
            ),
            201,
        ),
    )
    add("refund", "RefundResponse", _json(api.get(api.base + f"payments/{first['id']}/refunds/{refund['id']}"), 200))
    add("refund list", "ListRefundsResponseBody", _json(api.get(api.base + f"payments/{first['id']}/refunds"), 200))
    chargeback = controls.chargeback(charge.id, Decimal("35.09"))
    add(
        "chargeback",
        "EntityChargeback",
        _json(api.get(api.base + f"payments/{charge.id}/chargebacks/{chargeback.id}"), 200),
    )
    add(
        "chargeback list",
        "ListChargebacksResponseBody",
        _json(api.get(api.base + f"payments/{charge.id}/chargebacks"), 200),
    )
    add("refunded payment", "PaymentResponse", _json(api.get(api.base + f"payments/{first['id']}"), 200))
    add("charged-back payment", "PaymentResponse", _json(api.get(api.base + f"payments/{charge.id}"), 200))
    add("subscription cancelled", "SubscriptionResponse", _json(api.delete(one), 200))

    # A payment-method change revokes the old mandate: 204 without a body, then invalid.
    mandate_url = api.base + f"customers/{customer_id}/mandates/{mandate_id}"
    revoked = api.delete(mandate_url)
    assert revoked.status_code == 204 and not revoked.content
    assert add("revoked mandate", "MandateResponse", _json(api.get(mandate_url), 200))["status"] == "invalid"

    # Errors: unknown object, refused input, no key.
    add("error 404", "ErrorResponseData", _json(api.get(api.base + "payments/tr_doesnotexist"), 404))
    add(
        "error 422",
        "ErrorResponseData",
        _json(api.post(api.base + "payments", json={"amount": {"currency": "EUR", "value": "1"}}), 422),
    )
    add(
        "error 401",
        "ErrorResponseData",
        _json(api.get(api.base + "payments", headers={"Authorization": "Bearer live_nope"}), 401),
    )
    add(
        "error 401 (a test key that is not the sandbox's own)",
        "ErrorResponseData",
        _json(api.get(api.base + "payments", headers={"Authorization": "Bearer test_revokedkey12345"}), 401),
    )

    problems = sdk_contract(cases)
    assert set(problems) == {case["name"] for case in cases}
    wrong = {name: found for name, found in problems.items() if found}
    assert wrong == {}, "\n".join(f"{name}: {found}" for name, found in wrong.items())


def test_a_contract_that_cannot_be_loaded_is_an_error_not_a_pass(sdk_contract, monkeypatch, tmp_path):
    broken = tmp_path / "check_shapes.py"
    broken.write_text("raise SystemExit('no SDK here')\n")
    monkeypatch.setattr(contract, "CHECKER", broken)
    with pytest.raises(contract.ContractUnavailable):
        contract.check([{"name": "customer", "model": "CustomerResponse", "body": {}}])
