"""The sandbox's writable resources answer in Exact's shapes: ``{"d": {"results": […]}}`` for
lists and ``{"d": {…}}`` with 201 for a create, GUID ids, ``/Date(ms)/`` dates, OData
``$filter``/``$select``/``$top``, Exact's error body; the error rule counts 400, 401, 403 and
404 per endpoint and blocks the app on it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import quote

import pytest
import requests
import time_machine
from django.test import Client
from django.utils import timezone

from exact_sandbox import engine
from exact_sandbox.models import SandboxAccount, SandboxInvoice
from exact_sandbox.tests.test_sandbox_api import REDIRECT, _code, _token

API = "/sandbox/exact/api/v1"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def auth(client) -> dict:
    _status, pair = _token(client, grant_type="authorization_code", code=_code(client), redirect_uri=REDIRECT)
    return {"HTTP_AUTHORIZATION": f"Bearer {pair['access_token']}"}


def _post(client: Client, auth: dict, path: str, body) -> tuple[int, dict]:
    response = client.post(f"{API}/{path}", json.dumps(body), content_type="application/json", **auth)
    return response.status_code, response.json()


def _get(client: Client, auth: dict, path: str, **params) -> tuple[int, dict]:
    query = "&".join(f"{key}={quote(str(value), safe='')}" for key, value in params.items())
    response = client.get(f"{API}/{path}?{query}", **auth)
    return response.status_code, response.json()


def _message(body: dict) -> str:
    return body["error"]["message"]["value"]


@pytest.mark.django_db
def test_a_created_relation_comes_back_as_exact_shapes_it(client, auth):
    status, body = _post(client, auth, "1001/crm/Accounts", {"Name": "Klant", "Code": "42", "Status": "C"})
    assert status == HTTPStatus.CREATED
    row = body["d"]
    assert GUID.match(row["ID"]) and row["Code"] == " " * 16 + "42"
    assert re.fullmatch(r"/Date\(\d{13}\)/", row["Created"])
    assert row["__metadata"]["uri"].endswith(f"/api/v1/1001/crm/Accounts(ID=guid'{row['ID']}')")


@pytest.mark.django_db
def test_a_filter_on_code_needs_exacts_leading_spaces(client, auth):
    _post(client, auth, "1001/crm/Accounts", {"Name": "Klant", "Code": "42"})
    assert _get(client, auth, "1001/crm/Accounts", **{"$filter": "Code eq '42'"})[1] == {"d": {"results": []}}
    _status, body = _get(client, auth, "1001/crm/Accounts", **{"$filter": f"Code eq '{'42'.rjust(18)}'"})
    assert [row["Name"] for row in body["d"]["results"]] == ["Klant"]


@pytest.mark.django_db
def test_select_and_top_shape_the_list(client, auth):
    for n in range(3):
        _post(client, auth, "1001/logistics/Items", {"Code": f"A{n}", "Description": f"Artikel {n}"})
    _status, body = _get(client, auth, "1001/logistics/Items", **{"$select": "Code", "$top": "2"})
    assert [{k: v for k, v in row.items() if k != "__metadata"} for row in body["d"]["results"]] == [
        {"Code": "A0"},
        {"Code": "A1"},
    ]
    assert "__next" not in body["d"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"$filter": "Code eq 12"}, "incompatible with operand types 'Edm.String' and 'Edm.Int32'"),
        ({"$filter": "Colour eq 'red'"}, "Filtering on property 'Colour' is not supported."),
        ({"$filter": "Code ne 'x'"}, "could not be parsed"),
        ({"$select": "Code,Colour"}, "The property 'Colour' does not exist."),
        ({"$top": "-1"}, "$top must be"),
    ],
)
@pytest.mark.django_db
def test_a_query_exact_cannot_read_is_a_400_with_exacts_error_body(client, auth, params, message):
    status, body = _get(client, auth, "1001/logistics/Items", **params)
    assert status == HTTPStatus.BAD_REQUEST and message in _message(body)
    assert set(body["error"]) == {"code", "message"} and set(body["error"]["message"]) == {"lang", "value"}


@pytest.mark.django_db
def test_an_invoice_is_created_with_lines_a_number_and_exacts_dates(client, auth):
    account = _post(client, auth, "1001/crm/Accounts", {"Name": "Klant"})[1]["d"]
    item = _post(client, auth, "1001/logistics/Items", {"Code": "A", "Description": "Artikel"})[1]["d"]
    body = {
        "OrderedBy": account["ID"],
        "Journal": "70",
        "YourRef": "WS-1",
        "InvoiceDate": "2026-12-01",
        "SalesInvoiceLines": [{"Item": item["ID"], "Quantity": 2, "NetPrice": 9.95, "VATCode": "1"}],
    }
    status, created = _post(client, auth, "1001/salesinvoice/SalesInvoices", body)
    invoice = created["d"]
    assert status == HTTPStatus.CREATED and GUID.match(invoice["InvoiceID"])
    assert (invoice["InvoiceNumber"], invoice["Status"], invoice["AmountFCExclVat"], invoice["AmountFC"]) == (
        1,
        20,
        19.9,
        24.08,
    )
    assert invoice["InvoiceDate"] == "/Date(1796083200000)/"  # 2026-12-01, midnight UTC
    assert invoice["SalesInvoiceLines"]["results"][0]["VATPercentage"] == 0.21
    _status, found = _get(client, auth, "1001/salesinvoice/SalesInvoices", **{"$filter": "YourRef eq 'WS-1'"})
    assert found["d"]["results"][0]["SalesInvoiceLines"] == {
        "__deferred": {"uri": invoice["__metadata"]["uri"] + "/SalesInvoiceLines"}
    }
    # Only a processed invoice is a receivable.
    assert _get(client, auth, "1001/cashflow/Receivables")[1]["d"]["results"] == []
    engine.invoice_process(division=1001, your_ref="WS-1")
    receivable = _get(client, auth, "1001/cashflow/Receivables", **{"$filter": "InvoiceNumber eq 1"})[1]["d"]
    assert receivable["results"][0]["IsFullyPaid"] is False and receivable["results"][0]["AmountDC"] == 24.08


@pytest.mark.django_db
def test_a_create_with_an_unknown_field_or_a_bad_body_stores_nothing(client, auth):
    status, body = _post(client, auth, "1001/crm/Accounts", {"Name": "Klant", "Colour": "red"})
    assert status == HTTPStatus.BAD_REQUEST and "'Colour' does not exist" in _message(body)
    status, body = _post(client, auth, "1001/crm/Accounts", ["Klant"])
    assert status == HTTPStatus.BAD_REQUEST
    status, body = _post(client, auth, "1001/crm/Accounts", {"Email": "x@y.nl"})
    assert (status, _message(body)) == (HTTPStatus.BAD_REQUEST, "Mandatory: Name.")
    assert not SandboxAccount.objects.exists()


@pytest.mark.django_db
def test_read_only_resources_refuse_a_post(client, auth):
    status, _body = _post(client, auth, "1001/cashflow/Receivables", {})
    assert status == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.django_db
def test_the_error_rule_counts_404_403_and_400_per_endpoint_and_blocks_for_an_hour(client, auth):
    engine.limits_set(error_limit=3, block_seconds=3600)
    assert client.get(f"{API}/1001/crm/Nothing", **auth).status_code == HTTPStatus.NOT_FOUND  # another endpoint
    for _ in range(2):
        assert _post(client, auth, "1001/crm/Accounts", {})[0] == HTTPStatus.BAD_REQUEST
    assert _post(client, auth, "1003/crm/Accounts", {})[0] == HTTPStatus.FORBIDDEN  # another administration
    assert _post(client, auth, "1001/crm/Accounts", {})[0] == HTTPStatus.BAD_REQUEST  # the third
    assert _post(client, auth, "1001/crm/Accounts", {})[0] == HTTPStatus.BAD_REQUEST  # the fourth: over the limit
    response = client.get(f"{API}/1001/crm/Accounts", **auth)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many errors" in _message(response.json()) and 3590 < int(response["Retry-After"]) <= 3600
    assert int(response["X-RateLimit-Minutely-Remaining"]) > 0  # not the rate limit
    assert client.get(f"{API}/1001/logistics/Items", **auth).status_code == HTTPStatus.OK
    assert client.get(f"{API}/1003/crm/Accounts", **auth).status_code == HTTPStatus.FORBIDDEN
    engine.access_tokens_near_expiry(seconds=7200)  # the token outlives the hour
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert client.get(f"{API}/1001/crm/Accounts", **auth).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_calls_with_an_expired_token_count_as_errors(client, auth):
    engine.limits_set(error_limit=2)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        for _ in range(3):
            assert client.get(f"{API}/1001/crm/Accounts", **auth).status_code == HTTPStatus.UNAUTHORIZED
    user = engine.access_user(auth["HTTP_AUTHORIZATION"].split()[1], valid=False)
    assert engine.blocked_for(client_id=user[1], user_key=user[0], division=1001, endpoint="crm/Accounts") > 0


@pytest.mark.django_db(transaction=True)
def test_commit_then_drop_closes_the_connection_without_an_answer(live_server, client, auth):
    engine.fault_add("commit_then_drop", endpoint="crm/Accounts")
    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{live_server.url}{API}/1001/crm/Accounts",
            json={"Name": "Klant"},
            headers={"Authorization": auth["HTTP_AUTHORIZATION"], "Accept": "application/json"},
            timeout=5,
        )
    assert SandboxAccount.objects.get().name == "Klant"


@pytest.mark.django_db
def test_a_commit_fault_cannot_be_set_on_a_read(client):
    with pytest.raises(ValueError):
        engine.fault_add("commit_then_timeout", method="GET")


@pytest.mark.django_db
def test_staff_set_faults_limits_and_payments_on_the_controls_page(client, auth, staff_client):
    controls = staff_client
    assert controls.get("/sandbox/exact/controls/").status_code == HTTPStatus.OK
    controls.post(
        "/sandbox/exact/controls/",
        {"action": "commit_then_timeout", "endpoint": "salesinvoice/SalesInvoices", "method": "POST", "seconds": "2"},
    )
    fault = engine.fault_take(engine.API_FAULTS, endpoint="salesinvoice/SalesInvoices", method="POST")
    assert (fault.kind, fault.seconds) == ("commit_then_timeout", 2.0)
    controls.post(
        "/sandbox/exact/controls/",
        {"action": "limits", "limits_on": "on", "minute_limit": "30", "minute_seconds": "6", "day_limit": "900"},
    )
    config = engine.settings_get()
    assert (config.minute_limit, config.minute_seconds, config.day_limit, config.day_seconds) == (30, 6, 900, 86400)
    assert client.get(f"{API}/1001/vat/VATCodes", **auth)["X-RateLimit-Minutely-Limit"] == "30"

    account = _post(client, auth, "1001/crm/Accounts", {"Name": "Klant"})[1]["d"]
    item = _post(client, auth, "1001/logistics/Items", {"Code": "A", "Description": "Artikel"})[1]["d"]
    lines = [{"Item": item["ID"], "NetPrice": 5}]
    _post(
        client,
        auth,
        "1001/salesinvoice/SalesInvoices",
        {"OrderedBy": account["ID"], "Journal": "70", "YourRef": "WS-9", "SalesInvoiceLines": lines},
    )
    page = controls.post(
        "/sandbox/exact/controls/", {"action": "paid", "division": "1001", "your_ref": "WS-9"}, follow=True
    )
    assert "WS-9" in page.content.decode()
    invoice = SandboxInvoice.objects.get()
    assert invoice.status == SandboxInvoice.PROCESSED and invoice.paid_at is not None
    controls.post("/sandbox/exact/controls/", {"action": "reset"})
    assert engine.settings_get().minute_limit == 60


@pytest.mark.django_db
def test_the_controls_page_is_for_staff_only(client):
    assert client.get("/sandbox/exact/controls/").status_code == HTTPStatus.FOUND  # to the login page
