"""Whether a login name or address has an account must not show in the time of the answer.
The time is dominated by password hashes (hundreds of milliseconds each with the real
hasher), so these tests count them: every failed login and every signup costs exactly one,
known name or not. bench/bench_enumeration.py measures the times themselves (30 tries per
side, docs/benchmarks.md, "Account enumeration")."""

from __future__ import annotations

from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache

LOGIN = "/accounts/login/"
SIGNUP = "/accounts/signup/"


def hashes_for(callable_) -> int:
    cache.clear()  # allauth's rate limits are not what this is about
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as encode:
        callable_()
    return encode.call_count


def failed_login(client, login: str):
    def post():
        response = client.post(LOGIN, {"login": login, "password": "Fout-wachtwoord-123"})
        assert response.status_code == HTTPStatus.OK  # the form again, with the same error
        assert "niet juist" in response.content.decode() or "onjuist" in response.content.decode().lower()

    return post


@pytest.mark.django_db
@pytest.mark.parametrize(
    "login",
    ["jansen@example.com", "JANSEN@example.com", "onbekend@example.com", "jansen", "onbekend"],
    ids=["known address", "known address other case", "unknown address", "known username", "unknown username"],
)
def test_a_failed_login_costs_one_password_hash_known_or_not(client, customer, login):
    # allauth tried a known address twice (as address and as username); one hash each now.
    assert hashes_for(failed_login(client, login)) == 1


@pytest.mark.django_db
def test_the_right_password_still_logs_in_by_address_and_by_username(client, customer):
    from portal.testing.fixtures import PASSWORD

    for login in ("jansen@example.com", "jansen"):
        cache.clear()
        response = client.post(LOGIN, {"login": login, "password": PASSWORD})
        assert response.status_code == HTTPStatus.FOUND
        assert client.get("/portal/").status_code == HTTPStatus.OK
        client.logout()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["jansen@example.com", "nieuw@example.com"], ids=["known", "new"])
def test_signing_up_costs_one_password_hash_known_address_or_new(client, customer, email):
    def post():
        response = client.post(
            SIGNUP,
            {
                "username": "nieuw",
                "email": email,
                "password1": "Lang-Genoeg-Wachtw00rd",
                "password2": "Lang-Genoeg-Wachtw00rd",
            },
        )
        assert response.status_code == HTTPStatus.FOUND

    assert hashes_for(post) == 1
    assert get_user_model().objects.filter(email__iexact="jansen@example.com").count() == 1
