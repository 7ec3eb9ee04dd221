"""In a real browser: the customer finds "Wat wij bewaren", reads when each kind of data
goes, asks for the download and gets a ZIP with all of it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import Profile
from portal.testing.browser import has_horizontal_scroll, log_in

pytestmark = pytest.mark.browser


def test_the_customer_reads_what_we_keep_and_downloads_it(
    page, phone_page, browser_log, make_user, password, latest_mail
):
    user = make_user("jansen", email="jansen@example.com")
    Profile.objects.create(
        user=user, full_name="Piet Jansen", street="Lindelaan 12", city="Eindhoven", phone="+31612345678"
    )
    log_in(page, "jansen", password)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wat wij bewaren").click()
    page.wait_for_load_state()
    assert page.url.endswith("/portal/mijn-gegevens/")
    table = page.get_by_role("table", name="Uw gegevens, waarom wij ze hebben en tot wanneer")
    expect(table.get_by_role("rowheader", name="Naam-, adres- en bedrijfsgegevens", exact=False)).to_be_visible()
    assert "tot drie maanden nadat u uw account opheft" in table.inner_text().lower()

    page.get_by_role("button", name="Download mijn gegevens aanvragen").click()
    page.wait_for_load_state()
    assert "/status/" in page.url
    status = page.get_by_role("status")
    assert "Uw download staat klaar" in status.inner_text()
    mail = latest_mail(to="jansen@example.com", subject_contains="klaar om te downloaden")
    assert "/portal/mijn-gegevens/download/" in mail.body

    with page.expect_download() as info:
        page.get_by_role("link", name="Download het ZIP-bestand").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    assert json.loads(archive.read("profile.json"))["street"] == "Lindelaan 12"
    assert "overzicht.html" in archive.namelist()

    log_in(phone_page, "jansen", password)
    phone_page.goto("/portal/mijn-gegevens/")
    assert not has_horizontal_scroll(phone_page), "the wide table scrolls inside its box, not the page"
