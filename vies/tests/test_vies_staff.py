"""Staff who save a customer's VAT id in the admin get it checked as the customer would;
the proof is listed in the admin, read-only."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from accounts.models import Profile
from accounts.tests.test_admin_validation import _post
from vies.models import VatCheck
from vies_sandbox.models import SandboxConsultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_a_vat_id_saved_by_staff_is_checked_in_vies(vies_sandbox, staff_client, customer):
    profile = Profile.objects.create(user=customer)
    response = _post(staff_client, customer, profile, vat_id="BE0403170701", country="BE", postal_code="1000")
    assert response.status_code == HTTPStatus.FOUND
    check = VatCheck.objects.get(user=customer)
    assert check.result == VatCheck.Result.VALID and check.consultation_number
    assert SandboxConsultation.objects.count() == 1

    listing = staff_client.get("/admin/vies/vatcheck/").content.decode()
    assert "BE0403170701" in listing and check.consultation_number in listing
    page = staff_client.get(f"/admin/vies/vatcheck/{check.pk}/change/")
    assert page.status_code == HTTPStatus.OK and "NAME" not in page.content.decode().split("<form")[0]
    assert staff_client.post(f"/admin/vies/vatcheck/{check.pk}/delete/").status_code == HTTPStatus.FORBIDDEN


def test_staff_saving_other_fields_asks_vies_nothing(vies_sandbox, staff_client, customer):
    profile = Profile.objects.create(user=customer, vat_id="NL004495445B01")
    _post(staff_client, customer, profile, city="Breda")
    assert not VatCheck.objects.exists() and not SandboxConsultation.objects.exists()


def test_staff_ask_vies_again_from_the_customers_page(vies_sandbox, staff_client, customer):
    from accounts.services import profile_for

    url = f"/admin/accounts/user/{customer.pk}/klantactie/vies_check/"
    profile_for(customer)
    assert (
        "opnieuw controleren in VIES"
        not in staff_client.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()
    )
    Profile.objects.filter(user=customer).update(vat_id="BE0403170701", country="BE")
    assert (
        "opnieuw controleren in VIES"
        in staff_client.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()
    )
    response = staff_client.post(url, {"reason": "Klant belde: nummer klopt"}, follow=True)
    check = VatCheck.objects.get(user=customer)
    assert check.result == VatCheck.Result.VALID
    assert (
        f"VIES: BE0403170701 is geldig (raadplegingsnummer {check.consultation_number})." in response.content.decode()
    )
    from vies_sandbox import controls

    controls.add_fault("MS_UNAVAILABLE", country="BE")
    response = staff_client.post(url, {"reason": "Nog eens"}, follow=True)
    assert "VIES gaf geen antwoord (MS_UNAVAILABLE)" in response.content.decode()
