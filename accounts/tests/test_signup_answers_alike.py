"""Signing up with an address that already has an account answers like a new one: the same
page, the same password hashing (accounts/tests/test_enumeration.py counts the hashes); the
times themselves are measured by bench/bench_enumeration.py, not by a timed test."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache

SIGNUP = "/accounts/signup/"


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
