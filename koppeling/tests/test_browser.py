"""In a real browser: connect Exact Online (the sandbox), pick the administration, change a
setting, find the change under Activiteit, disconnect."""

from __future__ import annotations

import pytest

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
    assert page.get_by_text("De administratie is gekoppeld.").is_visible()

    page.get_by_label("Bestellingen → verkoopfacturen").check()
    page.get_by_label("Verkoopdagboek").select_option("70")
    page.get_by_label("Btw-code voor 21%").select_option("1")
    page.get_by_label("Synchroniseren elke (minuten)").fill("45")
    page.get_by_role("button", name="Instellingen opslaan").click()
    assert page.get_by_text("De instellingen zijn opgeslagen.").is_visible()
    settings_row = KoppelingSettings.objects.get(user=customer)
    assert (settings_row.sync_interval_minutes, settings_row.sales_journal) == (45, "70")

    page.goto("/portal/")
    assert page.get_by_text("Actief · Demo Webshop B.V. (1001)").is_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Activiteit").click()
    main = page.get_by_role("main")
    assert main.get_by_text("Koppelingsinstellingen gewijzigd").first.is_visible()
    assert main.get_by_text("Synchroniseren elke (minuten): 60 → 45").is_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Koppeling").click()
    page.get_by_role("link", name="Verbinding verbreken").click()
    # A page says what happens first; "Nee, terug" changes nothing.
    assert page.get_by_role("heading", name="Verbinding met Exact Online verbreken?").is_visible()
    page.get_by_role("link", name="Nee, terug").click()
    assert Connection.objects.get(user=customer).state == Connection.State.CONNECTED
    page.get_by_role("link", name="Verbinding verbreken").click()
    page.get_by_role("button", name="Ja, verbinding verbreken").click()
    assert page.get_by_text("De verbinding met Exact Online is verbroken").is_visible()
    connection = Connection.objects.get(user=customer)
    assert connection.state == Connection.State.DISCONNECTED and not connection.has_tokens
    assert page.get_by_role("button", name="Verbinden met Exact Online").is_visible()


def test_revoking_an_api_key_asks_first(page, customer, password):
    from koppeling import services
    from koppeling.models import ApiKey

    subscribe(customer)
    key, _raw = services.api_key_create(user=customer, by=customer, name="Mijn winkel")
    log_in(page, "jansen", password)
    page.goto("/portal/koppeling/sleutels/")
    page.get_by_role("main").get_by_role("link", name="Intrekken").click()
    assert page.get_by_role("heading", name="Sleutel „Mijn winkel” intrekken?").is_visible()
    page.get_by_role("link", name="Nee, terug").click()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    page.get_by_role("main").get_by_role("link", name="Intrekken").click()
    page.get_by_role("button", name="Ja, sleutel intrekken").click()
    assert page.get_by_text("De sleutel Mijn winkel is ingetrokken.").is_visible()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
