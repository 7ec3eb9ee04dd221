"""In a real browser: the privacy office opens the Article 30 record from its lists, reads
both parts, and downloads the PDF and the CSV; the page passes axe and fits a phone. A
colleague in the Ondersteuning role is refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import roles
from accounts.models import Profile
from audit.models import AuditEvent
from portal.testing.browser import PHONE_VIEWPORT, has_horizontal_scroll, staff_log_in, staff_member
from register import registry
from webshop.services import processor_agreement_accept

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_the_office_reads_and_downloads_the_record(page, make_user, password, customer):
    Profile.objects.create(user=customer, full_name="Jan Jansen", company_name="Jansen Fietsen B.V.", country="NL")
    processor_agreement_accept(user=customer, by=customer, ip="192.0.2.10", user_agent="test")
    _member, secret = staff_member(make_user, "privacybureau", roles.PRIVACY)

    staff_log_in(page, "privacybureau", password, secret)
    page.goto("/admin/privacy/privacyrequest/")
    page.get_by_role("link", name="Verwerkingsregister (art. 30)").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Register van verwerkingsactiviteiten (AVG art. 30)")).to_be_visible()
    part1 = page.get_by_role("region", name="Deel 1: verwerkingen als verwerkingsverantwoordelijke")
    part2 = page.get_by_role("region", name="Deel 2: verwerkingen als verwerker voor onze klanten")
    expect(part1.get_by_role("table", name="Account (account)")).to_be_visible()
    orders = part2.get_by_role("table", name="Klantgegevens in webshopbestellingen (webshop_order_personal)")
    assert "klanten van de webwinkels van onze klanten" in orders.inner_text()
    controllers = part2.get_by_role("table", name="Verwerkingsverantwoordelijken (onze klanten)")
    assert "Jansen Fietsen B.V." in controllers.inner_text()

    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

    with page.expect_download() as info:
        page.get_by_role("link", name="PDF downloaden").click()
    download = info.value
    assert download.suggested_filename.endswith("-nl.pdf")
    reader = PdfReader(Path(download.path()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Register van verwerkingsactiviteiten" in text and "Jansen Fietsen B.V." in text
    assert all(f"({c.name})" in text for c in registry.categories())

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV downloaden").click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))  # as Dutch Excel splits it
    assert {row[1] for row in rows[1:]} == {c.name for c in registry.categories()}
    assert AuditEvent.objects.filter(action="privacy.record_downloaded").count() == 2

    page.goto("/admin/privacy/verwerkingsregister/download/?format=exe&lang=xx")
    expect(page.get_by_text("Dit bestand bestaat niet.")).to_be_visible()
    assert AuditEvent.objects.filter(action="privacy.record_downloaded").count() == 2

    # At a phone's width, in the same session (a second login could reuse the TOTP code,
    # which allauth refuses within its window).
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto("/admin/privacy/verwerkingsregister/")
    expect(page.get_by_role("link", name="CSV downloaden")).to_be_visible()
    assert not has_horizontal_scroll(page)


@pytest.mark.browser_allow_errors  # the refused page is a 403, which Chromium logs
def test_support_is_refused(page, make_user, password):
    _member, secret = staff_member(make_user, "ondersteuning", roles.SUPPORT)
    staff_log_in(page, "ondersteuning", password, secret)
    response = page.goto("/admin/privacy/verwerkingsregister/")
    assert response.status == 403
    response = page.goto("/admin/privacy/verwerkingsregister/download/?format=pdf")
    assert response.status == 403
    assert not AuditEvent.objects.filter(action="privacy.record_downloaded").exists()
