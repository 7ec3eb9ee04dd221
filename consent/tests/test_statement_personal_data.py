"""Who was mailed about a version and who opened it is personal data: in the register,
exported with the customer's data, erased with the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import StatementAnnouncement, StatementReading
from consent.statement import services as statement_services
from consent.tests.statement_helpers import make_draft, seed, staff  # noqa: F401  (fixtures)
from register import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(customer, seed, staff):  # noqa: F811
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=7))
    version = statement_services.publish_version(version=version, by=staff)
    statement_services.announce_to(version_id=version.pk, user_ids=[customer.pk])
    statement_services.record_opening(version=version, user=customer)
    return version


def test_the_export_holds_the_announcement_and_the_opening(customer, noticed):
    exported = registry.get("statement_notices").export(customer)
    assert exported["announcements"][0]["version"] == noticed.number
    assert exported["opened"][0]["version"] == noticed.number
    explanation = registry.get("statement_notices").explain(customer, timezone.now())
    assert explanation.held


def test_erasing_the_account_removes_the_records_but_not_the_version(customer, noticed):
    from accounts.personal_data import erase_accounts

    erase_accounts([customer.pk])
    assert not StatementAnnouncement.objects.exists() and not StatementReading.objects.exists()
    noticed.refresh_from_db()
    assert noticed.is_published
