"""Fixtures for the cookie tests (imported by each test_cookie_* module).

The cookie groups come from the consent app's migration. Tests with a live server flush
the database afterwards (pytest-django's transactional_db), so every cookie test puts the
groups back with the migration's own function instead of relying on what ran before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from consent.models import CookieConsentRecord

_MIGRATION = importlib.import_module("consent.migrations.0001_consent_records")


@pytest.fixture
def cookie_groups(db) -> None:
    _MIGRATION.create_cookie_groups(apps, None)


def choose(client, choice: str, fields: dict | None = None, **headers) -> object:
    """Post a decision the way the banner's form does (without JavaScript)."""
    return client.post("/cookies/keuze/", {"choice": choice, "next": "/", **(fields or {})}, **headers)


def latest_record() -> CookieConsentRecord:
    return CookieConsentRecord.objects.latest("decided_at")
