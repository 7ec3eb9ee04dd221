"""A login, signup or password reset POST is answered no sooner than ACCOUNT_ANSWER_FLOOR_MS
after it came in, whatever the answer, so its time says nothing about whether the name or
address has an account (accounts.middleware.AnswerFloorMiddleware). The wait is recorded
instead of slept in most tests; one test sleeps it for real."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.core.cache import cache

from accounts import middleware
from portal.testing.fixtures import PASSWORD

FLOOR_MS = 10_000  # far above any answer here, so what is held is close to all of it

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings, monkeypatch) -> list[float]:
    settings.ACCOUNT_ANSWER_FLOOR_MS = FLOOR_MS
    waits: list[float] = []
    monkeypatch.setattr(middleware, "wait", waits.append)
    cache.clear()  # allauth's rate limits are not what this is about
    return waits


def _held_the_rest(waits: list[float]) -> None:
    assert len(waits) == 1, waits
    # held = the floor minus the time the portal took: a little under the floor, never over it
    assert FLOOR_MS / 1000 - 5 < waits[0] < FLOOR_MS / 1000


@pytest.mark.parametrize("login", ["jansen@example.com", "onbekend@example.com", "jansen", "onbekend"])
def test_a_wrong_password_is_answered_at_the_floor_known_name_or_not(client, customer, held, login):
    response = client.post("/accounts/login/", {"login": login, "password": "Fout-wachtwoord-123"})
    assert response.status_code == HTTPStatus.OK
    _held_the_rest(held)


def test_a_right_password_is_held_too(client, customer, held):
    # Else a quick answer would tell a right password from a wrong one before the redirect did.
    response = client.post("/accounts/login/", {"login": "jansen", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    _held_the_rest(held)


@pytest.mark.parametrize("email", ["jansen@example.com", "nieuw@example.com"], ids=["taken", "new"])
def test_signup_is_answered_at_the_floor_taken_address_or_new(client, customer, held, email):
    data = {
        "username": "nieuwkomer",
        "email": email,
        "password1": "Lang-Genoeg-Wachtw00rd",
        "password2": "Lang-Genoeg-Wachtw00rd",
    }
    assert client.post("/accounts/signup/", data).status_code == HTTPStatus.FOUND
    _held_the_rest(held)


@pytest.mark.parametrize("email", ["jansen@example.com", "onbekend@example.com"], ids=["known", "unknown"])
def test_a_password_reset_is_answered_at_the_floor_known_address_or_not(client, customer, held, email):
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == HTTPStatus.FOUND
    _held_the_rest(held)


def test_an_invalid_form_is_held_as_well(client, held):
    # An empty form says nothing about an account, but answering it at once would be a
    # yardstick for how long the rest of the answer took.
    assert client.post("/accounts/login/", {"login": "", "password": ""}).status_code == HTTPStatus.OK
    _held_the_rest(held)


def test_pages_and_other_forms_are_not_held(client, customer, held):
    assert client.get("/accounts/login/").status_code == HTTPStatus.OK
    assert client.get("/accounts/signup/").status_code == HTTPStatus.OK
    assert client.get("/").status_code == HTTPStatus.OK
    client.force_login(customer)
    assert client.post("/accounts/logout/").status_code == HTTPStatus.FOUND
    assert held == []


def test_a_floor_of_zero_holds_nothing(client, customer, held, settings):
    settings.ACCOUNT_ANSWER_FLOOR_MS = 0
    client.post("/accounts/login/", {"login": "onbekend", "password": "Fout-wachtwoord-123"})
    assert held == []


def test_the_answer_really_waits_for_the_floor(client, customer, settings):
    settings.ACCOUNT_ANSWER_FLOOR_MS = 300
    cache.clear()
    started = time.monotonic()
    response = client.post("/accounts/login/", {"login": "onbekend", "password": "Fout-wachtwoord-123"})
    assert response.status_code == HTTPStatus.OK
    assert time.monotonic() - started >= 0.3
