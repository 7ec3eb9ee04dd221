"""The public pricing page: every plan that can be taken out, with its price excl. and incl.
VAT per month or year as the invoice will say it, what is included, in Dutch and English,
linked from the home page and the signup page; inactive plans are not shown."""

from __future__ import annotations

import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.test import Client

from subscriptions.models import Invoice, Plan
from subscriptions.pricing import plan_price
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db(transaction=True)


def euro(amount: Decimal) -> str:
    return "€ " + f"{amount:.2f}".replace(".", ",")


@pytest.fixture
def plans(transactional_db) -> dict[str, Plan]:
    return {
        "monthly": Plan.objects.create(
            name="Basis", description="Eén koppeling\n- Dagelijkse synchronisatie\n\n", price=Decimal("29.00")
        ),
        # A price whose VAT needs rounding: 33.33 × 1.21 = 40.3293 → 40.33, and back: 33.33.
        "odd": Plan.objects.create(name="Plus", description="Drie koppelingen", price=Decimal("33.33")),
        "yearly": Plan.objects.create(
            name="Jaarabonnement", description="Alles van Plus", price=Decimal("333.33"), interval=Plan.Interval.YEAR
        ),
        "inactive": Plan.objects.create(
            name="Oud pakket", description="Niet meer te koop", price=Decimal("9.99"), active=False
        ),
    }


def cards(page: str) -> dict[str, str]:
    """Each plan's card on the page (up to the next card or the end of the list), by name."""
    found = {}
    for card in page.split('<li class="card plan">')[1:]:
        card = card.split('<p class="help">Zakelijke')[0].split('<p class="help">Business')[0]
        found[re.search(r"<h2>(.*?)</h2>", card).group(1)] = card
    return found


def test_everyone_sees_every_active_plan_with_net_vat_and_gross_and_what_is_included(plans):
    response = Client().get("/prijzen/")
    assert response.status_code == HTTPStatus.OK
    shown = cards(response.content.decode())
    assert list(shown) == ["Basis", "Plus", "Jaarabonnement"]  # monthly first, inactive not shown
    expected = {
        "Basis": ("€ 29,00", "€ 6,09", "€ 35,09", "per maand"),
        "Plus": ("€ 33,33", "€ 7,00", "€ 40,33", "per maand"),
        "Jaarabonnement": ("€ 333,33", "€ 70,00", "€ 403,33", "per jaar"),
    }
    for name, (net, vat, gross, interval) in expected.items():
        card = shown[name]
        assert f"<strong>{gross}</strong> {interval}" in card and "incl. 21% btw" in card
        assert f"{net} excl. btw + {vat} btw" in card
    assert "<li>Eén koppeling</li>" in shown["Basis"] and "<li>Dagelijkse synchronisatie</li>" in shown["Basis"]
    assert "Oud pakket" not in response.content.decode() and "9,99" not in response.content.decode()


def test_the_numbers_match_what_the_invoice_for_that_plan_says(plans, subscribe):
    """Take out the odd-priced plan through the sandbox: the invoice's total, net and VAT are
    the numbers the pricing page showed."""
    page = cards(Client().get("/prijzen/").content.decode())["Plus"]
    response, payment = subscribe(chosen=plans["odd"])
    checkout(response["Location"], "paid")
    invoice = Invoice.objects.get(payment=payment)
    assert f"<strong>{euro(invoice.amount_gross)}</strong>" in page
    assert f"{euro(invoice.amount_net)} excl. btw + {euro(invoice.vat_amount)} btw" in page
    price = plan_price(plans["odd"])
    assert (price.gross, price.net, price.vat) == (invoice.amount_gross, invoice.amount_net, invoice.vat_amount)


def test_the_page_is_in_english_too(plans):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/prijzen/"})
    page = client.get("/prijzen/").content.decode()
    assert "Exact koppeling pricing" in page
    assert "<strong>€ 35.09</strong> per month" in page and "€ 29.00 excl. VAT + € 6.09 VAT" in page
    assert "incl. 21% VAT" in page and "excl. VAT" in page and "Included" in page


def test_the_home_page_and_the_signup_page_link_to_it(plans):
    for url in ("/", "/accounts/signup/"):
        page = Client().get(url).content.decode()
        assert 'href="/prijzen/"' in page and "Bekijk de prijzen" in page, url


def test_without_plans_the_page_says_so(transactional_db):
    page = Client().get("/prijzen/").content.decode()
    assert "Er zijn op dit moment geen abonnementen af te sluiten." in page


def test_only_get_is_answered(plans):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/prijzen/").status_code in (HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.FORBIDDEN)
    assert Client().post("/prijzen/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Client().get("/prijzen/?plan=<script>&x=%00").status_code == HTTPStatus.OK
