"""A customer pays in the sandbox's checkout and sees the payment method on the
subscription page, in Chromium (issue 17 item 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.testing.browser import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("method", "shown"),
    [
        ("creditcard", "Mastercard eindigend op 6787, geldig tot en met 12/2030 · T. TEST"),
        ("ideal", "Automatische incasso van rekening NL55 •••• 0000 op naam van T. TEST"),
    ],
)
def test_the_customer_sees_the_method_the_subscription_is_charged_on(
    page, mollie_sandbox, customer, password, plan, method, shown
):
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Basis afsluiten").click()
    expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()
    page.get_by_role("group", name="Betaalmethode").locator(f'input[value="{method}"]').check()
    page.get_by_label("paid", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    page.get_by_role("link", name="Naar uw abonnement").click()
    box = page.locator("#payment-method")
    expect(box.get_by_role("heading", name="Betaalmethode")).to_be_visible()
    expect(box).to_contain_text(shown)
