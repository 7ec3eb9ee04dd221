"""In a real browser: the API keys page shows the docs link and a curl example that the copy
button puts on the clipboard, with the new key in it; the docs page works under the CSP."""

from __future__ import annotations

from playwright.sync_api import expect

from koppeling.tests.conftest import subscribe
from portal.testing.browser import log_in


def test_the_api_keys_page_links_the_docs_and_copies_the_curl_example(new_page, customer, password, browser_log):
    subscribe(customer)
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, "jansen", password)
    page.goto("/portal/koppeling/sleutels/")

    page.get_by_label("Naam").fill("Mijn webwinkel")
    page.get_by_role("button", name="Sleutel aanmaken").click()
    key = page.locator("#new-key-value").inner_text().strip()
    assert key.startswith("ekp_")

    page.get_by_role("button", name="Voorbeeld kopiëren").click()
    expect(page.get_by_role("button", name="Gekopieerd")).to_be_visible()  # after the clipboard's promise
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("curl -X POST ")
    assert "/api/v1/orders/" in copied
    assert f"Authorization: Bearer {key}" in copied

    page.get_by_role("link", name="Documentatie van de webshop-API").click()
    expect(page.get_by_role("heading", name="Webshop-API", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="POST /api/v1/orders/")).to_be_visible()
    expect(page.get_by_text("lines[].vat_rate")).to_be_visible()
    browser_log.assert_clean()  # no CSP violation, no script error, nothing from another host
