"""A customer sees each invoice's status and the preview of the next invoice on the
subscription page, in Chromium (issue 17 item 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mollie_sandbox import controls
from portal.testing.browser import log_in
from subscriptions.models import Invoice, Payment

pytestmark = pytest.mark.browser


def test_the_customer_sees_invoice_statuses_and_the_next_invoice(page, mollie_sandbox, customer, password, plan):
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Basis afsluiten").click()
    page.get_by_label("paid", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    page.get_by_role("link", name="Naar uw abonnement").click()

    invoice = Invoice.objects.get()
    invoices = page.get_by_role("region", name="Facturen")
    row = invoices.get_by_role("row").filter(has=page.get_by_role("link", name=invoice.number, exact=True))
    expect(invoices.get_by_role("columnheader", name="Status")).to_be_visible()
    expect(row).to_contain_text("betaald")

    preview = page.locator("#next-invoice")
    expect(preview.get_by_role("heading", name="Volgende factuur")).to_be_visible()
    expect(preview).to_contain_text("schrijven we € 35,09 af")
    expect(preview).to_contain_text("Basis (per maand)")
    expect(preview.get_by_role("row", name="Btw (21%) € 6,09")).to_be_visible()
    expect(preview.get_by_role("row", name="Totaal € 35,09", exact=True)).to_be_visible()

    controls.refund(Payment.objects.get().mollie_id, Decimal("35.09"))
    page.reload()
    expect(row).to_contain_text("gecrediteerd")
    row.get_by_role("link", name=invoice.number, exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("gecrediteerd")
