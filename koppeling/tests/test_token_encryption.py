"""Tokens are encrypted at rest with Fernet; the key can be rotated without losing a
connection (``manage.py koppeling rotate-keys``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db
from django.utils import timezone

from koppeling import crypto
from koppeling.models import Connection


@pytest.fixture
def stored(customer) -> Connection:
    row = Connection(user=customer, state=Connection.State.CONNECTED, division=1001)
    row.store_tokens(access_token="toegang-123", refresh_token="ververs-456", expires_at=timezone.now())
    row.save()
    return row


def _raw_columns(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token_encrypted, refresh_token_encrypted FROM koppeling_connection WHERE id = %s", [pk]
        )
        return " ".join(cursor.fetchone())


@pytest.mark.django_db
def test_tokens_are_stored_encrypted(stored):
    raw = _raw_columns(stored.pk)
    assert "toegang-123" not in raw and "ververs-456" not in raw
    fresh = Connection.objects.get(pk=stored.pk)
    assert (fresh.access_token(), fresh.refresh_token()) == ("toegang-123", "ververs-456")


@pytest.mark.django_db
def test_rotating_the_key_re_encrypts_every_token(stored, settings, capsys):
    old_key = settings.KOPPELING_TOKEN_KEY[0]
    new_key = Fernet.generate_key().decode()
    settings.KOPPELING_TOKEN_KEY = [new_key, old_key]
    before = _raw_columns(stored.pk)
    call_command("koppeling", "rotate-keys")
    assert "1 connection(s) re-encrypted" in capsys.readouterr().out
    assert _raw_columns(stored.pk) != before
    settings.KOPPELING_TOKEN_KEY = [new_key]  # the old key removed
    fresh = Connection.objects.get(pk=stored.pk)
    assert fresh.refresh_token() == "ververs-456"


@pytest.mark.django_db
def test_without_rotation_removing_the_old_key_makes_tokens_unreadable(stored, settings):
    settings.KOPPELING_TOKEN_KEY = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.TokenUnreadable):
        Connection.objects.get(pk=stored.pk).refresh_token()
    with pytest.raises(CommandError):
        call_command("koppeling", "rotate-keys")


@pytest.mark.django_db
def test_a_new_key_decrypts_tokens_written_with_the_old_key_before_rotation(stored, settings):
    settings.KOPPELING_TOKEN_KEY = [Fernet.generate_key().decode(), settings.KOPPELING_TOKEN_KEY[0]]
    fresh = Connection.objects.get(pk=stored.pk)
    assert fresh.access_token() == "toegang-123"
    fresh.store_tokens(access_token="nieuw", refresh_token="nieuw-r", expires_at=timezone.now() + timedelta(minutes=10))
    fresh.save()
    settings.KOPPELING_TOKEN_KEY = settings.KOPPELING_TOKEN_KEY[:1]
    assert Connection.objects.get(pk=stored.pk).refresh_token() == "nieuw-r"


def test_a_malformed_key_fails_loudly_without_showing_it(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KOPPELING_TOKEN_KEY = ["niet-een-sleutel"]
    with pytest.raises(ImproperlyConfigured) as caught:
        crypto.encrypt("x")
    assert "niet-een-sleutel" not in str(caught.value)


@pytest.mark.django_db
def test_tokens_left_unreadable_by_a_lost_key_ask_for_a_reconnect_instead_of_failing(stored, settings):
    from koppeling import services

    Connection.objects.filter(pk=stored.pk).update(access_expires_at=timezone.now() + timedelta(minutes=5))
    settings.KOPPELING_TOKEN_KEY = [Fernet.generate_key().decode()]
    with pytest.raises(services.NeedsReconnect):
        services.connection_access_token(connection_id=stored.pk)
    stored.refresh_from_db()
    assert stored.state == Connection.State.NEEDS_RECONNECT and not stored.has_tokens
