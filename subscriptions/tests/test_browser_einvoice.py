"""A customer downloads the UBL e-invoice of an invoice from the invoices page, in a real
Chromium against the live server and the sandbox's checkout, and gets the file we stored,
one the official rules accept (also on a phone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.services import profile_for
from portal.testing.browser import has_horizontal_scroll, log_in
from subscriptions.einvoice.validation import validate
from subscriptions.models import Invoice

pytestmark = pytest.mark.browser

SELLER = {"kvk": "17123456", "vat_id": "NL861234567B01"}


@pytest.fixture(autouse=True)
def _company_ids(settings):
    settings.COMPANY = {**settings.COMPANY, **SELLER}


def _business(customer) -> None:
    profile = profile_for(customer)
    profile.company_name, profile.kvk_number = "De Vries Webwinkel B.V.", "12345678"
    profile.save()


def _subscribe_and_pay(page) -> Invoice:
    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Basis afsluiten").click()
    expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()
    page.get_by_label("paid", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    expect(page.get_by_role("status")).to_contain_text("Betaling ontvangen.")
    return Invoice.objects.get()


def test_a_customer_downloads_the_ubl_of_an_invoice_from_the_invoices_page(
    page, mollie_sandbox, customer, password, plan
):
    _business(customer)
    log_in(page, "jansen", password)
    invoice = _subscribe_and_pay(page)

    page.goto("/portal/abonnement/")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Factuur {invoice.number} (UBL)").click()

    assert download.value.suggested_filename == f"factuur-{invoice.number}.xml"
    data = Path(download.value.path()).read_bytes()
    invoice.refresh_from_db()
    assert data == bytes(invoice.ubl)
    assert validate(data).ok
    # and from the invoice's own page
    page.get_by_role("link", name=invoice.number, exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Factuur {invoice.number} downloaden (UBL)").click()
    assert Path(download.value.path()).read_bytes() == data


def test_on_a_phone_the_invoice_page_offers_both_files_without_sideways_scrolling(
    phone_page, mollie_sandbox, customer, password, plan
):
    _business(customer)
    log_in(phone_page, "jansen", password)
    invoice = _subscribe_and_pay(phone_page)

    phone_page.goto(f"/portal/abonnement/facturen/{invoice.number}/")

    expect(phone_page.get_by_role("link", name=f"Factuur {invoice.number} downloaden (pdf)")).to_be_visible()
    expect(phone_page.get_by_role("link", name=f"Factuur {invoice.number} downloaden (UBL)")).to_be_visible()
    assert not has_horizontal_scroll(phone_page)
