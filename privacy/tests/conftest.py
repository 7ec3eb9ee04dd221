from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client

from accounts import roles


@pytest.fixture
def office(make_user):
    """A staff member in the Privacybureau role (with a second factor, as the admin asks)."""
    user = make_user("privacybureau", staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.groups.add(Group.objects.get(name=roles.PRIVACY))
    return user


@pytest.fixture
def office_client(office):
    client = Client()
    client.force_login(office)
    return client
