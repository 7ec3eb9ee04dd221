"""In a real browser: anyone reads the statement in Dutch and English; a customer follows the
portal's notice to a new version and the notice is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import StatementReading
from consent.statement import services as statement_services
from consent.tests.statement_helpers import ensure_seed, make_draft
from portal.testing.browser import has_horizontal_scroll, log_in
from portal.tests.test_browser_accessibility import _axe_violations

pytestmark = pytest.mark.browser


def test_the_statement_reads_in_dutch_and_english(page, phone_page, browser_log):
    ensure_seed()
    page.goto("/privacy/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Privacyverklaring Codex Connectors B.V.", level=1)).to_be_visible()
    assert "Laatst gewijzigd op 1 januari 2018" in main.inner_text()
    expect(main.get_by_role("heading", name="Ontvangers en verwerkers")).to_be_visible()
    expect(main.get_by_role("link", name="Website van de Autoriteit Persoonsgegevens")).to_be_visible()
    assert _axe_violations(page) == []

    header = page.get_by_role("banner")
    header.get_by_label("Taal").select_option("en")
    header.get_by_role("button", name="Kies").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(main.get_by_role("heading", name="Privacy statement Codex Connectors B.V.", level=1)).to_be_visible()
    assert "Last changed on 1 January 2018" in main.inner_text()
    expect(main.get_by_role("heading", name="What data we process, why and for how long")).to_be_visible()

    main.get_by_role("link", name="All versions").click()
    page.wait_for_load_state()
    assert page.url.endswith("/privacy/versies/")
    expect(page.get_by_role("main").get_by_role("link", name="Version 1")).to_be_visible()

    phone_page.goto("/privacy/")
    assert not has_horizontal_scroll(phone_page), "the processors table scrolls inside its box, not the page"
    browser_log.assert_clean()


def test_a_customer_follows_the_notice_to_the_new_version(page, browser_log, make_user, password):
    ensure_seed()
    customer = make_user("jansen", email="jansen@example.com")
    staff = make_user("medewerker", staff=True)
    version = make_draft(
        effective_date=timezone.localdate() + timedelta(days=14),
        marker="per 14 dagen",
        summary_nl="Wij noemen een nieuwe verwerker.",
    )
    statement_services.publish_version(version=version, by=staff)

    log_in(page, "jansen", password)
    notice = page.get_by_role("region", name="Privacyverklaring gewijzigd")
    expect(notice).to_be_visible()
    assert _axe_violations(page) == []
    notice.get_by_role("link", name="Lees de nieuwe versie").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/privacy/{version.number}/")
    assert "Deze versie gaat in op" in page.get_by_role("main").inner_text()
    assert StatementReading.objects.filter(user=customer, version=version).exists()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht").click()
    page.wait_for_load_state()
    assert page.get_by_role("region", name="Privacyverklaring gewijzigd").count() == 0
    browser_log.assert_clean()


def test_staff_confirm_publishing_with_the_number_of_customers_mailed(page, make_user, password):
    """ "Publiceren en aan alle klanten aankondigen" mails every customer: a page names the
    version and the count first, and "Annuleren" publishes nothing."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    from consent.models import StatementVersion

    ensure_seed()
    for n in range(3):
        make_user(f"klant{n}")
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=14), marker="nieuw")

    page.goto("/admin/")
    main = page.get_by_role("main")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill("beheerder")
    main.get_by_label("Wachtwoord").fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    if 30 - time.time() % 30 < 3:
        time.sleep(3.2)
    main.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()

    def choose_publish() -> None:
        page.goto("/admin/consent/statementversion/")
        page.locator(f'input[name="_selected_action"][value="{version.pk}"]').check()
        page.locator('select[name="action"]').select_option("publish")
        page.locator('button[name="index"]').click()
        page.wait_for_load_state()

    choose_publish()
    expect(page.get_by_text(f"Versie {version.number}, gaat in op")).to_be_visible()
    expect(page.get_by_text("De aankondiging gaat per e-mail naar 3 klanten")).to_be_visible()
    page.get_by_role("link", name="Annuleren").click()
    assert not StatementVersion.objects.get(pk=version.pk).is_published

    choose_publish()
    page.get_by_role("button", name="Ja, publiceren en aankondigen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("is gepubliceerd").first).to_be_visible()
    assert StatementVersion.objects.get(pk=version.pk).is_published
