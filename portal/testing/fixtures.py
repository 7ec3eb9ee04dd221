"""Fixtures shared by every app's tests (registered from the root conftest)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

PASSWORD = "Corr3ct-Horse-Battery"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db):
    """Create a verified customer (or staff member) that can log in."""
    counter = {"n": 0}

    def make(
        username: str | None = None,
        *,
        email: str | None = None,
        staff: bool = False,
        password: str = PASSWORD,
        address: bool = False,
    ):
        counter["n"] += 1
        username = username or f"klant{counter['n']}"
        email = email or f"{username}@example.com"
        user = get_user_model().objects.create_user(username=username, email=email, password=password, is_staff=staff)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if address:  # a name and address, as an invoice needs them before a subscription
            from accounts.models import Profile

            Profile.objects.create(
                user=user,
                full_name=f"Klant {username}",
                street="Stationsplein 1",
                postal_code="5611AB",
                city="Eindhoven",
                country="NL",
            )
        return user

    return make


@pytest.fixture
def customer(make_user):
    return make_user("jansen", email="jansen@example.com")


@pytest.fixture
def staff(make_user):
    """A staff superuser with a second factor (the admin and the MFA middleware ask for one)."""
    from allauth.mfa.models import Authenticator

    user = make_user("beheerder", staff=True)
    user.is_superuser = True
    user.save()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def staff_client(staff):
    """A test client logged in as ``staff``."""
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client
