"""When a deploy or a processor change alters what the statement says about data, the version
in force already shows it, and staff are told to publish a new version to announce it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.utils import timezone

from consent.models import Processor
from consent.statement import selectors as statement
from consent.statement import services as statement_services
from consent.tests.statement_helpers import make_draft, seed, staff, staff_client  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

WARNING = "is gewijzigd sinds versie"


@pytest.fixture
def published(seed, staff):  # noqa: F811
    return statement_services.publish_version(version=make_draft(effective_date=timezone.localdate()), by=staff)


def test_staff_see_no_warning_while_the_register_matches(staff_client, published):  # noqa: F811
    assert statement.register_changed_since_publication() is None
    response = staff_client.get("/admin/consent/statementversion/")
    assert response.status_code == HTTPStatus.OK
    assert WARNING not in response.content.decode()


def test_a_changed_processor_shows_at_once_and_staff_are_warned(client, staff_client, published):  # noqa: F811
    Processor.objects.filter(key="mollie").update(name="Mollie Payments B.V.")
    assert "Mollie Payments B.V." in client.get("/privacy/").content.decode()
    assert statement.register_changed_since_publication() == published.number
    page = staff_client.get("/admin/consent/statementversion/").content.decode()
    assert WARNING in page and f"versie {published.number}" in page
