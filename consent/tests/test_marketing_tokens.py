"""The unsubscribe token: signed, bound to one address and one purpose, not expiring
within a year (it does not expire at all)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from consent.marketing import tokens


def test_it_reads_back_the_address_it_was_made_for_in_lower_case():
    assert tokens.read_token(tokens.make_token(" Jansen@Example.COM ")) == "jansen@example.com"


def test_it_refuses_a_token_with_a_changed_signature():
    token = tokens.make_token("jansen@example.com")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(forged)


def test_it_refuses_a_token_whose_address_was_swapped_for_another():
    token = tokens.make_token("jansen@example.com")
    payload, rest = token.split(":", 1)
    other = base64.urlsafe_b64encode(json.dumps({"a": "pietersen@example.com", "p": tokens.PURPOSE}).encode())
    forged = other.decode().rstrip("=") + ":" + rest
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(forged)
    # Another address's own token is another token: one never unsubscribes the other.
    assert tokens.read_token(tokens.make_token("pietersen@example.com")) == "pietersen@example.com"
    assert tokens.make_token("pietersen@example.com") != token


def test_it_refuses_a_token_signed_for_another_purpose():
    payload = {"a": "jansen@example.com", "p": tokens.PURPOSE}
    same_key_other_salt = signing.Signer(salt="consent.statement.read").sign_object(payload)
    same_salt_other_purpose = signing.Signer(salt=tokens.SALT).sign_object({**payload, "p": "statement-read"})
    django_default_salt = signing.Signer().sign_object(payload)
    timestamped = signing.dumps(payload, salt=tokens.SALT)
    for token in (same_key_other_salt, same_salt_other_purpose, django_default_salt, timestamped):
        with pytest.raises(tokens.InvalidToken):
            tokens.read_token(token)


def test_it_refuses_a_token_signed_with_another_key(settings):
    settings.SECRET_KEY = "another-key-" + "x" * 50
    token = tokens.make_token("jansen@example.com")
    settings.SECRET_KEY = "the-real-key-" + "y" * 50
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(token)


def test_it_still_reads_a_token_signed_before_a_key_rotation(settings):
    settings.SECRET_KEY = "old-key-" + "x" * 50
    token = tokens.make_token("jansen@example.com")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "y" * 50, ["old-key-" + "x" * 50]
    assert tokens.read_token(token) == "jansen@example.com"


@pytest.mark.parametrize(
    "garbage",
    ["", ":", "a:b", "x" * 10_000, "<script>alert(1)</script>", "\x00", "héllo:wörld", "e30:1abc:zz", "null"],
)
def test_it_refuses_garbage_without_an_exception_of_another_kind(garbage):
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(garbage)


@pytest.mark.parametrize(
    "later", [timedelta(days=365) - timedelta(seconds=1), timedelta(days=366), timedelta(days=3650)]
)
def test_it_still_works_a_year_and_ten_years_later(later):
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        token = tokens.make_token("jansen@example.com")
    with time_machine.travel(made + later, tick=False):
        assert tokens.read_token(token) == "jansen@example.com"


def test_the_url_lives_under_unsubscribe_on_the_site_url(settings):
    settings.SITE_URL = "https://portal.example.nl"
    url = tokens.unsubscribe_url("jansen@example.com")
    assert url.startswith("https://portal.example.nl/unsubscribe/") and url.endswith("/")
    assert tokens.read_token(url.removeprefix("https://portal.example.nl/unsubscribe/").rstrip("/"))
