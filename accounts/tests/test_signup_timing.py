"""Signing up with an address that already has an account takes as long as with a new one,
so the time of the answer does not tell whether an address is known. Measured as the ratio
of the medians of several tries, with the real password hasher."""

from __future__ import annotations

import statistics
import time
from http import HTTPStatus

import pytest
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

SIGNUP = "/accounts/signup/"
TRIES = 7


def signup(client, n: int, email: str) -> float:
    cache.clear()  # allauth's per-IP signup limit is not what this test is about
    data = {
        "username": f"nieuw{n}",
        "email": email,
        "password1": "Lang-Genoeg-Wachtw00rd",
        "password2": "Lang-Genoeg-Wachtw00rd",
    }
    started = time.perf_counter()
    response = client.post(SIGNUP, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]
    return elapsed


@pytest.mark.django_db
def test_a_known_address_answers_as_slowly_as_a_new_one(client, customer, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the real (slow) hasher
    signup(client, 0, "warmup@example.com")
    known, new = [], []
    for n in range(1, TRIES + 1):
        known.append(signup(client, 100 + n, "jansen@example.com"))
        new.append(signup(client, n, f"nieuw{n}@example.com"))
    ratio = statistics.median(known) / statistics.median(new)
    assert 0.7 < ratio < 1.4, (ratio, known, new)
    # The known address got no second account; the new ones did.
    assert get_user_model().objects.filter(email__iexact="jansen@example.com").count() == 1
    assert get_user_model().objects.filter(username__startswith="nieuw").count() == TRIES + 1


@pytest.mark.django_db
def test_both_answers_look_the_same(client, customer):
    known = client.post(
        SIGNUP,
        {
            "username": "ander",
            "email": "JANSEN@example.com",
            "password1": "Lang-Genoeg-Wachtw00rd",
            "password2": "Lang-Genoeg-Wachtw00rd",
        },
        follow=True,
    )
    cache.clear()
    new = client.post(
        SIGNUP,
        {
            "username": "nieuw",
            "email": "nieuw@example.com",
            "password1": "Lang-Genoeg-Wachtw00rd",
            "password2": "Lang-Genoeg-Wachtw00rd",
        },
        follow=True,
    )
    assert known.redirect_chain[-1][0] == new.redirect_chain[-1][0]
    assert known.status_code == new.status_code == HTTPStatus.OK
