"""A person saves a VAT id in Chromium and sees what VIES said (issue 17 item 9)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.services import profile_for
from portal.testing.browser import log_in
from portal.testing.fixtures import PASSWORD
from vies.models import VatCheck
from vies_sandbox import controls

pytestmark = pytest.mark.browser


def _fill_belgian_business(main, vat_id: str) -> None:
    address = main.get_by_role("group", name="Naam en adres")
    address.get_by_label("Naam").fill("Jean Dupont")
    address.get_by_label("Straat en huisnummer").fill("Rue Neuve 1")
    address.get_by_label("Land").select_option("BE")
    address.get_by_label("Postcode").fill("1000")
    address.get_by_label("Plaats").fill("Brussel")
    company = main.get_by_role("group", name="Bedrijf")
    company.get_by_label("Bedrijfsnaam").fill("Dupont SPRL")
    company.get_by_label("Btw-identificatienummer").fill(vat_id)


def test_a_customer_saves_a_vat_id_and_sees_the_vies_result(page, vies_sandbox, customer):
    profile_for(customer)
    controls.register("BE0403170701", name="NV DUPONT", address="Rue Neuve 1\n1000 Bruxelles")
    log_in(page, customer.username, PASSWORD)
    page.goto("/portal/gegevens/profiel/")
    main = page.get_by_role("main")
    _fill_belgian_business(main, "be 0403.170.701")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()

    status = main.locator("#vat-check")
    expect(status).to_contain_text("Gecontroleerd in VIES op")
    expect(status).to_contain_text("geldig")
    expect(status).to_contain_text("NV DUPONT")
    check = VatCheck.objects.get(user=customer)
    expect(status).to_contain_text(check.consultation_number)

    # VIES cannot reach the member state: saved, "niet gecontroleerd", and why.
    controls.add_fault("MS_UNAVAILABLE", country="BE")
    main.get_by_label("Btw-identificatienummer").fill("BE0123456749")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    expect(status).to_contain_text("Niet gecontroleerd")
    expect(status).to_contain_text("gaf VIES geen antwoord")
    expect(status).to_contain_text("21% Nederlandse btw")

    # A malformed id: a clear Dutch message, nothing saved.
    main.get_by_label("Btw-identificatienummer").fill("BE12")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Vul een geldig btw-identificatienummer in")
    assert profile_for(customer).vat_id == "BE0123456749"
