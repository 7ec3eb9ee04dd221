"""Fixtures and helpers for the statement tests (imported by the test_statement_* files)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from consent.models import Processor, StatementVersion

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def texts(marker: str = "") -> dict[str, str]:
    """Every staff section in both languages; ``marker`` makes a version recognisable."""
    return {
        f"{stem}_{language}": f"{stem} {language} {marker}".strip()
        for stem, _heading in StatementVersion.SECTIONS
        for language in ("nl", "en")
    }


def ensure_seed() -> StatementVersion:
    """Version 1 as the data migration makes it (transactional tests flush the migration's
    rows, so tests that need the seed make sure it is there)."""
    version = StatementVersion.objects.filter(number=1).first()
    if version is None:
        version = StatementVersion.objects.create(
            number=1,
            status=StatementVersion.Status.PUBLISHED,
            effective_date=date(2018, 1, 1),
            published_at=datetime(2018, 1, 1, tzinfo=AMSTERDAM),
            **texts("seed"),
        )
    for key, name, country, outside in (
        ("hosting", "Hostingprovider", "NL", False),
        ("mail", "Mailprovider", "NL", False),
        ("mollie", "Mollie B.V.", "NL", False),
        ("google", "Google (Google Analytics)", "US", True),
    ):
        Processor.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "purpose_nl": f"doel {key}",
                "purpose_en": f"purpose {key}",
                "country": country,
                "outside_eu": outside,
                "transfer_basis_nl": "EU-VS Data Privacy Framework" if outside else "",
                "transfer_basis_en": "EU-US Data Privacy Framework" if outside else "",
            },
        )
    return version


def make_draft(*, effective_date: date, marker: str = "draft", **overrides) -> StatementVersion:
    from consent.statement.services import next_number

    fields = {**texts(marker), **overrides}
    return StatementVersion.objects.create(number=next_number(), effective_date=effective_date, **fields)


@pytest.fixture
def seed(db) -> StatementVersion:
    return ensure_seed()


@pytest.fixture
def staff(make_user):
    """A superuser with a second factor (the admin and the MFA middleware ask for one)."""
    user = make_user("medewerker", staff=True)
    user.is_superuser = True
    user.save()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client
