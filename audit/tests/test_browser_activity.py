"""In a real browser: the customer changes a detail, finds "Activiteit" in the menu, sees
the change, filters, downloads the CSV, and the page fits a phone."""

from __future__ import annotations

import csv
import io

import pytest

from portal.testing.browser import has_horizontal_scroll, log_in

pytestmark = pytest.mark.browser


def test_the_customer_sees_and_downloads_their_own_activity(page, phone_page, browser_log, make_user, password):
    make_user("jansen", email="jansen@example.com")
    log_in(page, "jansen", password)
    page.goto("/portal/gegevens/profiel/")
    page.locator("#id_city").fill("Tilburg")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Activiteit").click()
    page.wait_for_load_state()
    assert page.url.endswith("/portal/activiteit/")
    table = page.get_by_role("table")
    text = table.inner_text()
    assert "Profiel gewijzigd" in text and "Tilburg" in text and "Ingelogd" in text
    assert text.index("Profiel gewijzigd") < text.index("Ingelogd")  # newest first

    page.get_by_label("Soort").select_option(label="Inloggen en beveiliging")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_load_state()
    text = page.get_by_role("table").inner_text()
    assert "Ingelogd" in text and "Profiel gewijzigd" not in text

    with page.expect_download() as info:
        page.get_by_role("button", name="Download als CSV").click()
    content = open(info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))  # as Dutch Excel splits it
    assert rows[0][2] == "Gebeurtenis" and {r[2] for r in rows[1:]} == {"Ingelogd"}

    log_in(phone_page, "jansen", password)
    phone_page.goto("/portal/activiteit/")
    assert not has_horizontal_scroll(phone_page), "the table scrolls inside its box, not the page"
