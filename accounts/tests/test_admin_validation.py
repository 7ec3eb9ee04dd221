"""Staff edits in the admin pass the customer's own validation: nothing that a customer could
not have typed reaches an invoice. Every profile field is tried with a bad value."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import Profile
from subscriptions.models import Plan

GOOD = {
    "full_name": "Jan Jansen",
    "street": "Stationsplein 1",
    "postal_code": "5611 AB",
    "city": "Eindhoven",
    "country": "NL",
    "phone": "+31401234567",
    "company_name": "Jansen Webshop B.V.",
    "kvk_number": "12345678",
    "vat_id": "NL004495445B01",
    "billing_same_as_address": "on",
    "billing_name": "",
    "billing_street": "",
    "billing_postal_code": "",
    "billing_city": "",
    "billing_country": "NL",
}

BAD = [
    ("kvk_number", "12"),
    ("kvk_number", "1234567X"),
    ("vat_id", "XX-niet-geldig"),
    ("vat_id", "US123456789"),
    ("postal_code", "ABCDEF"),
    ("phone", "bel mij"),
    ("full_name", "<script>alert(1)</script>"),
    ("street", "Straat\x00 1"),
    ("city", "{{ 7*7 }}"),
    ("company_name", "<b>Bedrijf</b>"),
    ("country", "XX"),
    ("billing_name", "<i>x</i>"),
    ("billing_street", "Straat \u202e1"),
    ("billing_postal_code", "ABCDEF"),
    ("billing_city", "\\\\server"),
    ("billing_country", "ZZ"),
    ("full_name", "x" * 10_000),
]


@pytest.fixture
def admin_client(make_user) -> Client:
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    return client


def _post(client, customer, profile, **profile_data):
    data = {
        "username": customer.username,
        "first_name": "",
        "last_name": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(customer.pk),
    }
    values = {**GOOD, **profile_data}
    for name, value in values.items():
        if name == "billing_same_as_address" and not value:
            continue
        data[f"profile-0-{name}"] = value
    return client.post(f"/admin/accounts/user/{customer.pk}/change/", data)


@pytest.mark.django_db
def test_valid_values_are_saved_normalised(admin_client, customer):
    profile = Profile.objects.create(user=customer)
    response = _post(admin_client, customer, profile)
    assert response.status_code == HTTPStatus.FOUND
    profile.refresh_from_db()
    assert (profile.postal_code, profile.phone, profile.vat_id) == ("5611 AB", "+31401234567", "NL004495445B01")


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v[:20]!r}" for f, v in BAD])
def test_every_profile_field_refuses_what_the_customer_form_refuses(admin_client, customer, field, value):
    profile = Profile.objects.create(user=customer, city="Breda")
    extra = {field: value}
    if field.startswith("billing_"):
        extra["billing_same_as_address"] = ""
        extra = {
            "billing_name": "Factuur B.V.",
            "billing_street": "Markt 1",
            "billing_postal_code": "4811 AA",
            "billing_city": "Breda",
            **extra,
        }
    response = _post(admin_client, customer, profile, **extra)
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert response.context["errors"]
    profile.refresh_from_db()
    assert profile.city == "Breda" and profile.kvk_number == "" and profile.vat_id == ""


@pytest.mark.django_db
def test_a_separate_billing_address_must_be_complete(admin_client, customer):
    profile = Profile.objects.create(user=customer, city="Breda")
    response = _post(admin_client, customer, profile, billing_same_as_address="", billing_name="Factuur B.V.")
    assert response.status_code == HTTPStatus.OK
    profile.refresh_from_db()
    assert profile.billing_same_as_address is True


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["<script>x</script>", "Jan\x00", "{Jan}"])
def test_a_first_or_last_name_with_markup_is_refused(admin_client, customer, name):
    payload = {
        "username": customer.username,
        "first_name": name,
        "last_name": name,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "0",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    response = admin_client.post(f"/admin/accounts/user/{customer.pk}/change/", payload)
    assert response.status_code == HTTPStatus.OK
    assert set(response.context["adminform"].form.errors) == {"first_name", "last_name"}
    customer.refresh_from_db()
    assert customer.first_name == customer.last_name == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "0"),
        ("price", "-5"),
        ("price", "abc"),
        ("price", "1" * 20),
        ("name", "<b>Pro</b>"),
        ("name", " "),
        ("description", "<script>x</script>"),
        ("interval", "week"),
    ],
)
def test_a_plan_with_a_bad_name_price_or_interval_is_refused(admin_client, field, value):
    data = {"name": "Pro", "description": "Twee koppelingen", "price": "49.00", "interval": "month", "active": "on"}
    data[field] = value
    response = admin_client.post("/admin/subscriptions/plan/add/", data)
    assert response.status_code == HTTPStatus.OK
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_the_price_and_interval_of_a_plan_in_use_stay(admin_client, customer):
    from accounts.tests.test_admin_customer_actions import live_subscription

    subscription = live_subscription(customer)
    plan = subscription.plan
    data = {"name": "Basis", "description": "", "price": "1.00", "interval": "year", "active": "on"}
    response = admin_client.post(f"/admin/subscriptions/plan/{plan.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert (plan.price, plan.interval) == (Decimal("29.00"), "month")
