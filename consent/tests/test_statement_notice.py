"""The portal shows a notice about an announced version until the customer opens it; the
opening is recorded (once, with an audit event); the notice is cheap."""

from __future__ import annotations

from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import StatementReading
from consent.statement import services as statement_services
from consent.tests.statement_helpers import AMSTERDAM, make_draft, seed, staff  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

NOTICE = "Lees de nieuwe versie"


@pytest.fixture
def announced(customer, seed, staff):  # noqa: F811
    """A version published after the customer signed up, in force in 14 days."""
    customer.date_joined = timezone.now() - timedelta(days=100)
    customer.save()
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=14), marker="aangekondigd")
    statement_services.publish_version(version=version, by=staff)
    return version


def test_the_notice_shows_until_the_customer_opens_the_new_version(client, customer, announced):
    client.force_login(customer)
    dashboard = client.get("/portal/").content.decode()
    assert NOTICE in dashboard and f'href="/privacy/{announced.number}/"' in dashboard
    assert "Onze privacyverklaring wijzigt op" in dashboard
    assert NOTICE in client.get("/portal/").content.decode()  # still there on the next page
    assert not StatementReading.objects.exists()

    assert client.get(f"/privacy/{announced.number}/").status_code == HTTPStatus.OK

    reading = StatementReading.objects.get()
    assert reading.user == customer and reading.version == announced
    assert NOTICE not in client.get("/portal/").content.decode()
    event = AuditEvent.objects.get(action="consent.statement_read")
    assert event.subject_id == customer.pk and event.changes == {"number": announced.number}


def test_opening_again_records_nothing_new(client, customer, announced):
    client.force_login(customer)
    client.get(f"/privacy/{announced.number}/")
    client.get(f"/privacy/{announced.number}/")
    assert StatementReading.objects.count() == 1
    assert AuditEvent.objects.filter(action="consent.statement_read").count() == 1


def test_the_notice_survives_a_new_session_only_until_opened(client, customer, announced):
    client.force_login(customer)
    client.get(f"/privacy/{announced.number}/")
    client.logout()
    client.force_login(customer)  # a new session: the database answers, not the session
    assert NOTICE not in client.get("/portal/").content.decode()


def test_opening_the_current_statement_once_it_is_in_force_also_counts(client, customer, announced):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(customer)
        assert "Onze privacyverklaring is gewijzigd op" in client.get("/portal/").content.decode()
        client.get("/privacy/")
        assert NOTICE not in client.get("/portal/").content.decode()
    assert StatementReading.objects.filter(version=announced).exists()


def test_a_customer_who_signed_up_after_publication_sees_no_notice(client, make_user, announced):
    newcomer = make_user("nieuwkomer")
    client.force_login(newcomer)
    assert NOTICE not in client.get("/portal/").content.decode()


def test_nobody_sees_a_notice_about_the_seed_version(client, customer, seed):  # noqa: F811
    customer.date_joined = datetime(2017, 6, 1, tzinfo=AMSTERDAM)
    customer.save()
    client.force_login(customer)
    assert NOTICE not in client.get("/portal/").content.decode()


def test_the_notice_is_in_english_for_an_english_page(client, customer, announced):
    client.force_login(customer)
    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Read the new version" in page and "Our privacy statement changes on" in page


def test_the_notice_costs_at_most_one_query_and_none_once_opened(
    client, customer, announced, django_assert_num_queries
):
    from django.test.client import RequestFactory

    from consent.statement.views import notice

    client.force_login(customer)
    client.get("/portal/")  # warms the cached statement state
    request = RequestFactory().get("/portal/")
    request.user = customer
    request.session = client.session
    with django_assert_num_queries(1):
        assert notice(request)["statement_notice"]["number"] == announced.number
    client.get(f"/privacy/{announced.number}/")
    request.session = client.session
    with django_assert_num_queries(0):
        assert not notice(request)["statement_notice"]
