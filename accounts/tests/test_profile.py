"""Mijn gegevens → Profiel: validated with the maintained libraries, nothing saved on error."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import Profile
from audit.models import AuditEvent

URL = "/portal/gegevens/profiel/"

VALID = {
    "full_name": "Anna de Vries",
    "street": "Stationsplein 12",
    "postal_code": "5611ab",
    "city": "Eindhoven",
    "country": "NL",
    "phone": "040 123 4567",
    "company_name": "De Vries Webwinkel B.V.",
    "kvk_number": "12345678",
    "vat_id": "nl 004495445 b01",
    "billing_same_as_address": "on",
    "billing_name": "",
    "billing_street": "",
    "billing_postal_code": "",
    "billing_city": "",
    "billing_country": "NL",
}


def stored(user) -> dict:
    profile = Profile.objects.filter(user=user).first()
    return profile.snapshot() if profile else {}


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


@pytest.mark.django_db
def test_valid_details_are_saved_normalised(logged_in, customer):
    response = logged_in.post(URL, VALID)
    assert response.status_code == HTTPStatus.FOUND
    profile = Profile.objects.get(user=customer)
    assert profile.postal_code == "5611 AB"
    assert profile.phone == "+31401234567"
    assert profile.vat_id == "NL004495445B01"
    assert profile.kvk_number == "12345678"
    page = logged_in.get(URL).content.decode()
    assert "Uw gegevens zijn opgeslagen." in page
    assert "Anna de Vries" in page


@pytest.mark.django_db
def test_a_change_is_recorded_with_old_and_new_values(logged_in, customer):
    logged_in.post(URL, VALID)
    logged_in.post(URL, {**VALID, "city": "Veldhoven"})
    event = AuditEvent.objects.filter(subject_id=customer.pk, action="profile.changed").order_by("-id").first()
    assert event.changes == {"city": ["Eindhoven", "Veldhoven"]}
    assert event.actor_id == customer.pk


@pytest.mark.django_db
def test_saving_unchanged_details_records_nothing(logged_in, customer):
    logged_in.post(URL, VALID)
    count = AuditEvent.objects.filter(action="profile.changed").count()
    logged_in.post(URL, VALID)
    assert AuditEvent.objects.filter(action="profile.changed").count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "56111 AB", "Vul een geldige Nederlandse postcode in"),
        ("phone", "12", "Vul een geldig telefoonnummer in"),
        ("kvk_number", "1234567", "Een KvK-nummer bestaat uit 8 cijfers."),
        ("vat_id", "NL123456789B99", "Vul een geldig btw-identificatienummer in"),
        ("vat_id", "US123456789", "hoort niet bij een land van de EU"),
        ("full_name", "<script>alert(1)</script>", "Gebruik geen"),
        ("street", "Straat 1\u0000", "Null-tekens zijn niet toegestaan."),
        ("city", "x" * 10_000, "Zorg dat deze waarde niet meer dan 100 tekens bevat"),
        ("postal_code", "'; DROP TABLE accounts_user; --", "niet meer dan 16 tekens"),
        ("phone", "'; DROP TABLE x;--", "Vul een geldig telefoonnummer in"),
        ("country", "XX", "Selecteer een geldige keuze"),
    ],
)
def test_bad_input_is_refused_inline_and_nothing_is_saved(logged_in, customer, field, value, message):
    logged_in.post(URL, VALID)
    before = stored(customer)
    response = logged_in.post(URL, {**VALID, field: value, "city": "Veldhoven" if field != "city" else value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert message in page
    assert "Niet opgeslagen" in page
    assert stored(customer) == before


@pytest.mark.django_db
def test_errors_are_in_english_for_english_users(logged_in, customer):
    logged_in.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = logged_in.post(URL, {**VALID, "kvk_number": "123"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A KvK number has 8 digits." in response.content.decode()


@pytest.mark.django_db
def test_foreign_postal_codes_are_not_held_to_the_dutch_format(logged_in, customer):
    response = logged_in.post(URL, {**VALID, "country": "BE", "postal_code": "1000", "phone": "+32 470 12 34 56"})
    assert response.status_code == HTTPStatus.FOUND
    profile = Profile.objects.get(user=customer)
    assert (profile.postal_code, profile.phone) == ("1000", "+32470123456")


@pytest.mark.django_db
def test_a_separate_billing_address_must_be_complete(logged_in, customer):
    data = {**VALID}
    data.pop("billing_same_as_address")
    response = logged_in.post(URL, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "kies dat het factuuradres gelijk is aan het adres" in response.content.decode()
    response = logged_in.post(
        URL,
        {
            **data,
            "billing_name": "Boekhouding",
            "billing_street": "Postbus 1",
            "billing_postal_code": "5600aa",
            "billing_city": "Eindhoven",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Profile.objects.get(user=customer).billing_address()["postal_code"] == "5600 AA"


@pytest.mark.django_db
def test_sql_like_text_in_a_name_is_kept_as_plain_text(logged_in, customer):
    name = "Robert'); DROP TABLE accounts_user;--"
    assert logged_in.post(URL, {**VALID, "full_name": name}).status_code == HTTPStatus.FOUND
    assert Profile.objects.get(user=customer).full_name == name
    assert logged_in.get(URL).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_profile_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


FIELDS = ["full_name", "street", "postal_code", "city", "country", "phone", "company_name", "kvk_number", "vat_id"]


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=st.text(max_size=300) | st.text(alphabet="<>'\";-\\/%_\x00 ", max_size=40))
def test_any_input_never_breaks_the_page_and_never_half_saves(logged_in, customer, field, value):
    before = stored(customer)
    response = logged_in.post(URL, {**VALID, field: value})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST)
    after = stored(customer)
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert after == before
    else:
        untouched = [name for name in ("full_name", "city", "company_name") if name != field]
        assert all(after[name] == VALID[name] for name in untouched)
