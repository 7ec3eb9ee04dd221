"""MFA is mandatory for staff, on the admin too; customers may choose."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator


def give_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "encrypted-secret"})


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/portal/", "/portal/gegevens/profiel/"])
def test_staff_without_mfa_are_told_to_ask_for_an_invitation(client, make_user, path):
    staff = make_user("medewerker", staff=True)
    client.force_login(staff)
    response = client.get(path, follow=True)
    assert response.redirect_chain[0][0] == "/medewerker/tweestapsverificatie/"
    assert "Vraag een beheerder om een uitnodiging" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/2fa/totp/activate/", "/accounts/2fa/", "/accounts/reauthenticate/"])
def test_a_password_alone_never_reaches_the_authenticator_setup(client, make_user, password, path):
    make_user("medewerker", staff=True)
    client.post("/accounts/login/", {"login": "medewerker", "password": password})
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/medewerker/tweestapsverificatie/"
    response = client.post(path, {"code": "123456"})
    assert response["Location"] == "/medewerker/tweestapsverificatie/"
    assert not Authenticator.objects.exists()


@pytest.mark.django_db
def test_staff_logging_in_without_mfa_land_on_the_invitation_page(client, make_user, password):
    make_user("medewerker", staff=True)
    response = client.post("/accounts/login/", {"login": "medewerker", "password": password}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == "/medewerker/tweestapsverificatie/"
    assert b"authenticator_secret" not in response.content


@pytest.mark.django_db
def test_staff_with_totp_reach_the_admin(client, make_user):
    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    give_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_customers_without_mfa_use_the_portal(client, customer):
    client.force_login(customer)
    assert client.get("/portal/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_customers_cannot_open_the_admin(client, customer):
    client.force_login(customer)
    give_totp(customer)
    response = client.get("/admin/", follow=True)
    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_login_with_totp_asks_for_the_code(client, customer, password):
    give_totp(customer)
    response = client.post("/accounts/login/", {"login": "jansen", "password": password})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
