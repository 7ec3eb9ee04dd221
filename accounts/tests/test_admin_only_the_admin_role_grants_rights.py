"""Rights are the admin role's alone. A staff member who holds ``accounts.change_user`` (the
permission the per-customer actions need) cannot tick staff status, superuser, groups or
permissions (not on himself either), cannot add accounts and cannot change another staff
member's password. A superuser (the admin role) can."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.tests.test_admin_customer_never_gets_staff_rights import PRIVILEGES, form_data


@pytest.fixture
def support(make_user):
    user = make_user("ondersteuning", staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user", "add_user"]
        )
    )
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def support_client(support):
    client = Client()
    client.force_login(support)
    return client


def _privileges(user) -> tuple:
    user.refresh_from_db()
    return (user.is_staff, user.is_superuser, user.groups.count(), user.user_permissions.count())


@pytest.mark.django_db
def test_staff_with_change_user_cannot_make_himself_superuser(support_client, support):
    url = f"/admin/accounts/user/{support.pk}/change/"
    page = support_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert not set(PRIVILEGES) & set(page.context["adminform"].form.fields)
    before = _privileges(support)
    data = form_data(page)
    group = Group.objects.create(name="Beheer")
    data.update({"first_name": "Piet", "is_superuser": "on", "groups": [group.pk]})
    response = support_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert _privileges(support) == before  # the name is saved, the rights are not
    support.refresh_from_db()
    assert support.first_name == "Piet" and not support.is_superuser


@pytest.mark.django_db
def test_staff_cannot_change_a_superusers_password_nor_add_accounts(support_client, staff):
    url = f"/admin/accounts/user/{staff.pk}/password/"
    assert support_client.get(url).status_code == HTTPStatus.FORBIDDEN
    response = support_client.post(url, {"password1": "Overgenomen-2026!", "password2": "Overgenomen-2026!"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    staff.refresh_from_db()
    assert not staff.check_password("Overgenomen-2026!")
    assert support_client.get("/admin/accounts/user/add/").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_staff_may_change_his_own_password(support_client, support):
    url = f"/admin/accounts/user/{support.pk}/password/"
    assert support_client.get(url).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_admin_role_grants_rights_to_a_staff_member(staff_client, support):
    url = f"/admin/accounts/user/{support.pk}/change/"
    page = staff_client.get(url)
    assert set(PRIVILEGES) <= set(page.context["adminform"].form.fields)
    data = form_data(page)
    group = Group.objects.get(name="Facturatie")  # a role made by migration 0005 (accounts.roles)
    data.update({"groups": [group.pk]})
    assert staff_client.post(url, data).status_code == HTTPStatus.FOUND
    assert support.groups.filter(name="Facturatie").exists()
