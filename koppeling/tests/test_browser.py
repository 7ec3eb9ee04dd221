"""In a real browser: connect Exact Online (the sandbox), pick the administration, change a
setting, find the change under Activiteit, disconnect."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from koppeling.models import Connection, KoppelingSettings
from koppeling.tests.conftest import subscribe
from portal.testing.browser import log_in

pytestmark = pytest.mark.usefixtures("exact_sandbox")


def test_a_customer_connects_sets_up_and_disconnects_the_koppeling(page, customer, password, browser_log):
    subscribe(customer)
    log_in(page, "jansen", password)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Koppeling").click()
    page.get_by_role("button", name="Verbinden met Exact Online").click()

    # At "Exact Online": log in as the made-up demo user and allow access.
    page.get_by_label("Demi Demo (demo@voorbeeld.nl)").check()
    page.get_by_role("button", name="Allow access").click()

    page.get_by_label("Demo Webshop B.V. (1001)").check()
    page.get_by_role("button", name="Deze administratie koppelen").click()
    expect(page.get_by_text("De administratie is gekoppeld.")).to_be_visible()

    page.get_by_label("Bestellingen → verkoopfacturen").check()
    page.get_by_label("Verkoopdagboek").select_option("70")
    page.get_by_label("Btw-code voor 21%").select_option("1")
    page.get_by_label("Synchroniseren elke (minuten)").fill("45")
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()
    settings_row = KoppelingSettings.objects.get(user=customer)
    assert (settings_row.sync_interval_minutes, settings_row.sales_journal) == (45, "70")

    page.goto("/portal/")
    expect(page.get_by_text("Actief · Demo Webshop B.V. (1001)")).to_be_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Activiteit").click()
    main = page.get_by_role("main")
    expect(main.get_by_text("Koppelingsinstellingen gewijzigd").first).to_be_visible()
    expect(main.get_by_text("Synchroniseren elke (minuten): 60 → 45")).to_be_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Koppeling").click()
    page.get_by_role("link", name="Verbinding verbreken").click()
    # A page says what happens first; "Nee, terug" changes nothing.
    expect(page.get_by_role("heading", name="Verbinding met Exact Online verbreken?")).to_be_visible()
    page.get_by_role("link", name="Nee, terug").click()
    assert Connection.objects.get(user=customer).state == Connection.State.CONNECTED
    page.get_by_role("link", name="Verbinding verbreken").click()
    page.get_by_role("button", name="Ja, verbinding verbreken").click()
    expect(page.get_by_text("De verbinding met Exact Online is verbroken")).to_be_visible()
    connection = Connection.objects.get(user=customer)
    assert connection.state == Connection.State.DISCONNECTED and not connection.has_tokens
    expect(page.get_by_role("button", name="Verbinden met Exact Online")).to_be_visible()


def test_revoking_an_api_key_asks_first(page, customer, password):
    from koppeling import services
    from koppeling.models import ApiKey

    subscribe(customer)
    key, _raw = services.api_key_create(user=customer, by=customer, name="Mijn winkel")
    log_in(page, "jansen", password)
    page.goto("/portal/koppeling/sleutels/")
    page.get_by_role("main").get_by_role("link", name="Intrekken").click()
    expect(page.get_by_role("heading", name="Sleutel „Mijn winkel” intrekken?")).to_be_visible()
    page.get_by_role("link", name="Nee, terug").click()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    page.get_by_role("main").get_by_role("link", name="Intrekken").click()
    page.get_by_role("button", name="Ja, sleutel intrekken").click()
    expect(page.get_by_text("De sleutel Mijn winkel is ingetrokken.")).to_be_visible()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
