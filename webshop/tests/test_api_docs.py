"""The OpenAPI document and the readable docs page made from it: public, complete, and
within the site's strict CSP (no inline script, nothing from another host)."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served_without_a_key_and_describes_both_operations():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == HTTPStatus.OK
    document = response.json()
    assert set(document["paths"]) == {"/api/v1/orders/", "/api/v1/orders/{number}/"}
    post = document["paths"]["/api/v1/orders/"]["post"]
    assert set(post["responses"]) >= {"200", "201", "400", "401", "403", "409", "413", "429"}
    assert "application/problem+json" in post["responses"]["409"]["content"]
    assert post["security"] == [{"ApiKeyAuth": []}]
    line = document["components"]["schemas"]["LineIn"]
    assert line["properties"]["vat_rate"]["enum"] == [21, 9, 0]
    assert document["components"]["schemas"]["OrderIn"]["properties"]["lines"]["maxItems"] == 500


def test_the_docs_page_explains_each_field_and_problem_under_the_strict_csp():
    response = Client().get("/api/v1/docs/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in (
        "POST /api/v1/orders/",
        "GET /api/v1/orders/{number}/",
        "lines[].vat_rate",
        "customer.address.country",
        "Idempotency-Key",
        'id="rate_limited"',
        'id="no_agreement"',
        "/api/v1/openapi.json",
    ):
        assert text in html, text
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_the_api_keys_page_links_the_docs_and_shows_a_curl_example(customer):
    from koppeling.tests.conftest import subscribe

    subscribe(customer)
    client = Client()
    client.force_login(customer)

    html = client.get("/portal/koppeling/sleutels/").content.decode()
    assert 'href="/api/v1/docs/"' in html
    assert "curl -X POST http://testserver/api/v1/orders/" in html or "curl -X POST " in html
    assert "Bearer &lt;uw-api-sleutel&gt;" in html

    created = client.post("/portal/koppeling/sleutels/", {"name": "Winkel"}).content.decode()
    raw = re.search(r'id="new-key-value"[^>]*>([^<]+)<', created).group(1)
    assert f"Bearer {raw}" in created  # the example carries the new key, ready to paste
