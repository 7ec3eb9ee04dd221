"""The close-account form checks the password like a login: failures are counted by axes
and allauth's limits, locked out after five, and every failure is in the audit trail. A
stolen session cookie is not enough to guess the password."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from audit.models import AuditEvent

URL = "/portal/account/opheffen/"
THIEF = "203.0.113.66"


def close(client, password, **extra):
    return client.post(URL, {"password": password, "confirm": "on"}, REMOTE_ADDR=THIEF, **extra)


@pytest.mark.django_db
def test_a_stolen_session_cannot_guess_the_password_twenty_times(client, customer, password):
    client.force_login(customer)
    statuses = [close(client, f"guess-number-{n:02d}").status_code for n in range(20)]
    assert statuses[:4] == [HTTPStatus.BAD_REQUEST] * 4
    assert set(statuses[4:]) == {HTTPStatus.TOO_MANY_REQUESTS}
    # Even the right password does nothing now.
    assert close(client, password).status_code == HTTPStatus.TOO_MANY_REQUESTS
    customer.refresh_from_db()
    assert customer.closed_at is None and customer.is_active


@pytest.mark.django_db
def test_each_wrong_password_and_the_lockout_are_in_the_audit_trail(client, customer):
    client.force_login(customer)
    for n in range(5):
        close(client, f"guess-number-{n}")
    events = AuditEvent.objects.filter(subject_id=customer.pk)
    assert events.filter(action="auth.login_failed").count() == 5
    locked = events.filter(action="auth.locked_out").get()
    assert locked.ip == THIEF


@pytest.mark.django_db
def test_the_lock_also_stops_logging_in_from_that_address(client, customer, password):
    client.force_login(customer)
    for n in range(5):
        close(client, f"guess-number-{n}")
    client.logout()
    response = client.post("/accounts/login/", {"login": "jansen", "password": password}, REMOTE_ADDR=THIEF)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_allauths_reauthentication_limit_holds_across_addresses(client, customer, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    client.force_login(customer)
    statuses = [
        client.post(URL, {"password": "x", "confirm": "on"}, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [HTTPStatus.BAD_REQUEST] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 2


HOSTILE = ["", "a" * 10_000, "\x00", "<script>alert(1)</script>", "wachtwoord\u202e", "ʕ•ᴥ•ʔ" * 50]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_passwords_get_a_message_and_close_nothing(client, customer, value):
    client.force_login(customer)
    response = client.post(URL, {"password": value, "confirm": "on", "reason": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    customer.refresh_from_db()
    assert customer.closed_at is None and customer.is_active


@pytest.mark.django_db
def test_the_right_password_still_closes_the_account(client, customer, password):
    client.force_login(customer)
    response = close(client, password)
    assert response.status_code == HTTPStatus.FOUND
    customer.refresh_from_db()
    assert customer.closed_at is not None
