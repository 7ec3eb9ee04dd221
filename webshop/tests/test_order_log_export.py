"""The customer downloads their order log as CSV (';'-separated) from the portal."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.test import Client

from webshop.models import Order
from webshop.tests.conftest import Api, new_key, order

pytestmark = pytest.mark.django_db


def test_the_order_log_downloads_as_semicolon_csv_without_the_shops_customers(api, shop_owner, make_user):
    api.post(order(number="A-1"))
    api.post(order(number="A-2", paid=False))
    Order.objects.filter(number="A-2").update(
        status=Order.Status.FAILED, error_hint="Kies een btw-code voor 9% bij Instellingen"
    )
    other = make_user("ander")
    from koppeling.tests.conftest import subscribe
    from webshop.tests.conftest import accept_processor_agreement

    subscribe(other)
    accept_processor_agreement(other)
    Api(new_key(other)).post(order(number="THEIRS"))
    browser = Client()
    browser.force_login(shop_owner)

    response = browser.get("/portal/koppeling/bestellingen.csv")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["bestelnummer", "besteldatum", "ontvangen op", "status"]
    assert [row[0] for row in rows[1:]] == ["A-1", "A-2"]
    assert rows[1][6] == "48,79" and rows[1][7] == "ja"
    assert rows[2][3] == "Mislukt" and rows[2][-1] == "Kies een btw-code voor 9% bij Instellingen"
    assert "anna@example.nl" not in text and "THEIRS" not in text


def test_the_api_keys_page_links_the_agreement_and_the_order_log(shop_owner):
    browser = Client()
    browser.force_login(shop_owner)

    page = browser.get("/portal/koppeling/sleutels/").content.decode()

    assert 'href="/portal/koppeling/verwerkersovereenkomst/"' in page
    assert 'href="/portal/koppeling/bestellingen.csv"' in page
