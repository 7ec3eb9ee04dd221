"""The admin only adds staff accounts, each with a valid e-mail address that nobody uses yet
(in any case): customers sign up themselves, with a verified address."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import AuditEvent

User = get_user_model()
URL = "/admin/accounts/user/add/"


def add(client: Client, **fields):
    data = {
        "username": "collega",
        "email": "collega@example.com",
        "password1": "Zeer-Geheim-123",
        "password2": "Zeer-Geheim-123",
        "usable_password": "true",
        "profile-TOTAL_FORMS": "0",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    data.update(fields)
    return client.post(URL, data)


@pytest.mark.django_db
def test_it_adds_a_staff_account_with_its_email_address(staff_client):
    page = staff_client.get(URL)
    assert b"alleen accounts voor medewerkers" in page.content
    response = add(staff_client)
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(username="collega")
    assert (user.email, user.is_staff, user.is_superuser) == ("collega@example.com", True, False)
    event = AuditEvent.objects.get(action="admin.added", target_id=str(user.pk))
    assert event.changes["email"] == [None, "collega@example.com"]


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "geen-adres",
        "<script>alert(1)</script>@example.com",
        "a\x00b@example.com",
        "x" * 10_000 + "@example.com",
    ],
)
@pytest.mark.django_db
def test_it_refuses_a_missing_or_invalid_email_address(staff_client, email):
    response = add(staff_client, email=email)
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["email"]
    assert not User.objects.filter(username="collega").exists()
    assert not AuditEvent.objects.filter(action="admin.added").exists()


@pytest.mark.parametrize(
    "email", ["JANSEN@example.com", "jansen@EXAMPLE.COM", "  jansen@example.com ", "oud@example.com"]
)
@pytest.mark.django_db
def test_it_refuses_an_address_in_use_in_any_case(staff_client, customer, email):
    EmailAddress.objects.create(user=customer, email="Oud@Example.com", verified=True)
    response = add(staff_client, email=email)
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["email"] == ["Dit e-mailadres is al in gebruik."]
    assert not User.objects.filter(username="collega").exists()


@pytest.mark.django_db
def test_a_forged_is_staff_or_superuser_field_is_ignored_the_account_is_plain_staff(staff_client):
    response = add(staff_client, is_superuser="on", is_staff="", groups="1")
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(username="collega")
    assert (user.is_staff, user.is_superuser, user.groups.count()) == (True, False, 0)
