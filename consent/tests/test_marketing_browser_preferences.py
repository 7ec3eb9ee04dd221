"""In Chromium: the objection offered at signup, and the E-mailvoorkeuren page reached from
the dashboard, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from audit.models import AuditEvent
from consent.models import MarketingPreference
from portal.testing.browser import has_horizontal_scroll, log_in

pytestmark = pytest.mark.browser


def test_a_customer_objects_on_the_preferences_page_and_changes_their_mind(page, customer, password, browser_log):
    log_in(page, "jansen", password)
    main = page.get_by_role("main")
    main.get_by_role("link", name="E-mailvoorkeuren").click()
    page.wait_for_url("**/portal/e-mailvoorkeuren/")
    expect(main.get_by_role("heading", name="E-mailvoorkeuren", level=1)).to_be_visible()
    choice = main.get_by_role("group", name="Aanbiedingen en nieuws over onze producten per e-mail")
    assert choice.get_by_label("Ja, stuur mij aanbiedingen per e-mail").is_checked()
    expect(main.get_by_text("U ontvangt aanbiedingen en nieuws over onze producten per e-mail.")).to_be_visible()

    choice.get_by_label("Nee, ik wil geen aanbiedingen per e-mail ontvangen").check()
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()

    expect(page.get_by_role("status").get_by_text("Uw e-mailvoorkeuren zijn opgeslagen.")).to_be_visible()
    expect(main.get_by_text("U ontvangt geen aanbiedingen per e-mail.")).to_be_visible()
    assert main.get_by_label("Nee, ik wil geen aanbiedingen per e-mail ontvangen").is_checked()
    assert MarketingPreference.objects.get(user=customer).objected is True

    main.get_by_label("Ja, stuur mij aanbiedingen per e-mail").check()
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert MarketingPreference.objects.get(user=customer).objected is False
    actions = list(
        AuditEvent.objects.filter(subject_id=customer.pk, action__startswith="marketing.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["marketing.objected", "marketing.opted_in"]
    browser_log.assert_clean()


def test_the_page_fits_a_phone(phone_page, customer, password):
    log_in(phone_page, "jansen", password)
    phone_page.goto("/portal/e-mailvoorkeuren/")
    assert not has_horizontal_scroll(phone_page)
    phone_page.get_by_label("Nee, ik wil geen aanbiedingen per e-mail ontvangen").check()
    phone_page.get_by_role("button", name="Opslaan").click()
    phone_page.wait_for_load_state()
    assert MarketingPreference.objects.get(user=customer).objected is True


def test_the_objection_can_be_ticked_when_signing_up(page):
    page.goto("/accounts/signup/")
    main = page.get_by_role("main")
    main.get_by_label("Gebruikersnaam").fill("bakkerij_de_vries")
    main.get_by_label("E-mailadres").fill("anna@example.com")
    main.get_by_label("Wachtwoord:", exact=True).fill("Kaasschaaf-Molen-2718")
    main.get_by_label("Wachtwoord (bevestigen)").fill("Kaasschaaf-Molen-2718")
    main.get_by_label("Ik wil geen aanbiedingen per e-mail ontvangen").check()
    main.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()
    user = get_user_model().objects.get(username="bakkerij_de_vries")
    assert MarketingPreference.objects.get(user=user).objected is True
