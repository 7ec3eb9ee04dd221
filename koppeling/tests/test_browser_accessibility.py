"""The koppeling's pages pass axe (WCAG 2.1 AA), name every control and fit a phone, in
Dutch and English: connected with settings, settings with errors, API keys with a new key."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from koppeling.tests.conftest import connect, subscribe
from portal.tests.test_browser_accessibility import Findings, _sign_in, check_page, visitor  # noqa: F401

pytestmark = pytest.mark.usefixtures("exact_sandbox")


def test_koppeling_pages_pass_axe_and_fit_a_phone(visitor, live_server, customer, browser_client):  # noqa: F811
    subscribe(customer)
    connect(browser_client)
    page, language, phone = visitor
    _sign_in(page, customer, live_server)
    findings = Findings()

    page.goto("/portal/koppeling/")
    check_page(page, findings, "koppeling", phone=phone, language=language)
    page.locator("main input[name=sync_interval_minutes]").fill("5")
    page.locator("main form[action$='/instellingen/'] button[type=submit]").click()
    check_page(page, findings, "koppeling with errors", phone=phone, language=language)
    page.goto("/portal/koppeling/sleutels/")
    page.locator("main input[name=name]").fill("Webwinkel")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#new-key-value")).to_be_visible()
    check_page(page, findings, "api keys with a new key", phone=phone, language=language)
    page.goto("/portal/koppeling/administratie/")
    check_page(page, findings, "choose administration", phone=phone, language=language)
    page.goto("/portal/")
    check_page(page, findings, "dashboard", phone=phone, language=language)
    findings.assert_none()
