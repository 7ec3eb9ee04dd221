from __future__ import annotations

import pytest

OUR_VAT_ID = "NL004495445B01"  # the requester: a VAT id whose check digits are right

PROFILE_URL = "/portal/gegevens/profiel/"

BELGIAN = {
    "full_name": "Jean Dupont",
    "street": "Rue Neuve 1",
    "postal_code": "1000",
    "city": "Brussel",
    "country": "BE",
    "phone": "",
    "company_name": "Dupont SPRL",
    "kvk_number": "",
    "vat_id": "BE0403170701",
    "billing_same_as_address": "on",
    "billing_name": "",
    "billing_street": "",
    "billing_postal_code": "",
    "billing_city": "",
    "billing_country": "BE",
    "invoice_reference": "",
    "billing_email": "",
}


@pytest.fixture(autouse=True)
def _our_vat_id(settings):
    settings.COMPANY = {**settings.COMPANY, "vat_id": OUR_VAT_ID}


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client
