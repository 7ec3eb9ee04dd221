"""A login name that matches no account may be a password typed into the wrong field: axes
keeps it only as a keyed hash, never as typed (not in the username column, not in the
stored form data), and the audit trail says "unknown account"."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from accounts.security import canonical_login
from audit.models import AuditEvent

LOGIN = "/accounts/login/"
SECRET = "MyS3cret-Passw0rd!"


def attempt(client, login, password="wrong-password-123", ip="203.0.113.9"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def everything_axes_stored() -> str:
    rows = list(AccessAttempt.objects.values()) + list(AccessFailureLog.objects.values())
    return repr(rows)


@pytest.mark.django_db
def test_a_password_typed_as_login_name_is_not_stored_anywhere(client, customer):
    for _ in range(6):
        attempt(client, SECRET)
    stored = everything_axes_stored()
    assert AccessAttempt.objects.exists()
    assert SECRET not in stored and SECRET.lower() not in stored
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()
    for event in AuditEvent.objects.all():
        assert SECRET.lower() not in repr(event.changes).lower()


@pytest.mark.django_db
def test_repeated_unknown_names_are_still_counted_together_and_locked(client):
    responses = [attempt(client, SECRET).status_code for _ in range(6)]
    assert responses[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert AccessAttempt.objects.values("username").distinct().count() == 1
    assert AccessAttempt.objects.get().username == canonical_login(SECRET)


@pytest.mark.django_db
def test_a_known_account_is_still_stored_under_its_username(client, customer):
    attempt(client, "Jansen@Example.com")
    attempt(client, "JANSEN")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["jansen"]
    assert "Jansen@Example.com" not in everything_axes_stored()


HOSTILE = ["a" * 10_000, "\x00x", "<script>alert(1)</script>", "😀" * 300, " ", "onbekend-" + "0" * 32]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_login_names_get_the_form_back_and_store_nothing_as_typed(client, value):
    response = attempt(client, value)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    stored = everything_axes_stored()
    if value.strip() and len(value) > 3:
        assert value not in stored
