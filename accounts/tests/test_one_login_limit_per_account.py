"""allauth's per-account login limit (10 failures per 5 minutes) counts one account once,
whether the visitor types the username or the e-mail address, in any case."""

from __future__ import annotations

from http import HTTPStatus

import pytest

LOGIN = "/accounts/login/"


def attempt(client, login, password, n):
    # A new address each time, so that axes' per-address lockout stays out of the way and
    # only allauth's per-account limit is measured.
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=f"198.51.100.{n}")


@pytest.mark.django_db
def test_username_and_email_share_one_limit(client, customer, password):
    identifiers = ["jansen", "jansen@example.com", "JANSEN", "Jansen@Example.com"]
    for n in range(10):
        response = attempt(client, identifiers[n % len(identifiers)], "wrong-password-123", n)
        assert response.status_code == HTTPStatus.OK
        assert "Te veel inlogpogingen" not in response.content.decode()
    refused = attempt(client, "jansen", password, 50)
    assert "_auth_user_id" not in client.session
    assert refused.status_code == HTTPStatus.OK
    assert "Te veel inlogpogingen" in refused.content.decode()


@pytest.mark.django_db
def test_another_account_is_not_limited_by_them(client, customer, make_user, password):
    make_user("pietersen")
    for n in range(10):
        attempt(client, "jansen@example.com" if n % 2 else "jansen", "wrong-password-123", n)
    response = attempt(client, "pietersen", password, 60)
    assert response.status_code == HTTPStatus.FOUND
