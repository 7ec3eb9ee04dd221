"""The unsubscribe token: an opaque signed id of the accounts using the address (never the
address itself), bound to one purpose, not expiring within a year (it does not expire at
all); tokens of the old kind (with the address) made before keep working."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from consent.marketing import tokens


@pytest.mark.django_db
def test_it_names_the_account_of_the_address_and_carries_no_address(make_user):
    jansen = make_user("jansen", email="jansen@example.com")
    token = tokens.make_token(" Jansen@Example.COM ")
    assert tokens.read_token(token) == tokens.Target(user_ids=(jansen.pk,))
    payload = token.split(":", 1)[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "jansen" not in decoded.lower() and "@" not in decoded and "example" not in token


@pytest.mark.django_db
def test_an_address_without_an_account_gets_a_token_that_names_nobody():
    token = tokens.make_token("niemand@example.com")
    assert tokens.read_token(token) == tokens.Target(user_ids=())
    assert "niemand" not in token


def test_it_refuses_a_token_with_a_changed_signature():
    token = signing.Signer(salt=tokens.SALT).sign_object({"u": [7]})
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(forged)


def test_it_refuses_a_token_whose_accounts_were_swapped_for_others():
    token = signing.Signer(salt=tokens.SALT).sign_object({"u": [7]})
    _payload, rest = token.split(":", 1)
    other = base64.urlsafe_b64encode(json.dumps({"u": [8]}).encode())
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(other.decode().rstrip("=") + ":" + rest)


@pytest.mark.parametrize("ids", [[0], [-1], ["7"], [True], 7, None, list(range(1, 30)), [1.5]])
def test_it_refuses_a_signed_token_whose_ids_are_not_account_ids(ids):
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(signing.Signer(salt=tokens.SALT).sign_object({"u": ids}))


def test_a_token_of_the_old_kind_made_before_still_reads_as_its_address():
    old = signing.Signer(salt=tokens.SALT).sign_object({"a": "jansen@example.com", "p": tokens.PURPOSE})
    assert tokens.read_token(old) == tokens.Target(address="jansen@example.com")


def test_it_refuses_a_token_signed_for_another_purpose():
    payload = {"a": "jansen@example.com", "p": tokens.PURPOSE}
    same_key_other_salt = signing.Signer(salt="consent.statement.read").sign_object(payload)
    same_salt_other_purpose = signing.Signer(salt=tokens.SALT).sign_object({**payload, "p": "statement-read"})
    django_default_salt = signing.Signer().sign_object(payload)
    timestamped = signing.dumps(payload, salt=tokens.SALT)
    for token in (same_key_other_salt, same_salt_other_purpose, django_default_salt, timestamped):
        with pytest.raises(tokens.InvalidToken):
            tokens.read_token(token)


def signed_for_account_7() -> str:
    return signing.Signer(salt=tokens.SALT).sign_object({"u": [7]})


def test_it_refuses_a_token_signed_with_another_key(settings):
    settings.SECRET_KEY = "another-key-" + "x" * 50
    token = signed_for_account_7()
    settings.SECRET_KEY = "the-real-key-" + "y" * 50
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(token)


def test_it_still_reads_a_token_signed_before_a_key_rotation(settings):
    settings.SECRET_KEY = "old-key-" + "x" * 50
    token = signed_for_account_7()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "y" * 50, ["old-key-" + "x" * 50]
    assert tokens.read_token(token) == tokens.Target(user_ids=(7,))


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
        token = signed_for_account_7()
    with time_machine.travel(made + later, tick=False):
        assert tokens.read_token(token) == tokens.Target(user_ids=(7,))


@pytest.mark.django_db
def test_the_url_lives_under_unsubscribe_on_the_site_url(settings):
    settings.SITE_URL = "https://portal.example.nl"
    url = tokens.unsubscribe_url("jansen@example.com")
    assert url.startswith("https://portal.example.nl/unsubscribe/") and url.endswith("/")
    assert tokens.read_token(url.removeprefix("https://portal.example.nl/unsubscribe/").rstrip("/"))
