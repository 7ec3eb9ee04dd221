"""The dashboard's Synchronisatie card: the last run and the number of open errors, linked to
the Synchronisatie page, and only the customer's own."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sync.models import SyncRun
from sync.tests.conftest import make_order
from webshop.models import Order

pytestmark = pytest.mark.django_db


def card(user) -> str:
    client = Client()
    client.force_login(user)
    html = client.get("/portal/").content.decode()
    return html.split('aria-labelledby="sync-heading"', 1)[1].split("</section>", 1)[0]


def test_a_new_customer_sees_no_run_and_no_errors_with_a_link_to_the_page(customer):
    section = card(customer)
    assert "Nog niet gesynchroniseerd." in section and "Geen open fouten." in section
    assert 'href="/portal/koppeling/synchronisatie/"' in section


def test_the_card_shows_the_last_run_and_counts_only_open_errors_of_this_customer(customer, make_user):
    amsterdam = ZoneInfo("Europe/Amsterdam")
    SyncRun.objects.create(
        user=customer, started_at=datetime(2026, 12, 7, 9, 0, tzinfo=amsterdam), synced=1, outcome=SyncRun.Outcome.OK
    )
    SyncRun.objects.create(
        user=customer,
        started_at=datetime(2026, 12, 7, 10, 15, tzinfo=amsterdam),
        synced=8,
        failed=2,
        outcome=SyncRun.Outcome.ERRORS,
    )
    for number in ("WS-1", "WS-2"):
        make_order(customer, number, status=Order.Status.FAILED, failed_at=timezone.now())
    make_order(customer, "WS-3", status=Order.Status.SYNCED)
    other = make_user("ander")
    SyncRun.objects.create(user=other, started_at=timezone.now() + timedelta(minutes=5), synced=99)
    make_order(other, "WS-ANDER", status=Order.Status.FAILED, failed_at=timezone.now())
    section = card(customer)
    assert "07-12-2026 10:15: Met fouten, 8 gesynchroniseerd, 2 mislukt." in section
    assert "2 open fouten" in section and "99" not in section

    Order.objects.filter(user=customer, status=Order.Status.FAILED).update(status=Order.Status.SYNCED)
    assert "Geen open fouten." in card(customer)  # fixed errors leave the count at once


def _card_queries(client) -> int:
    client.get("/portal/")
    with CaptureQueriesContext(db) as captured:
        client.get("/portal/")
    return sum("sync_syncrun" in q["sql"] or "webshop_order" in q["sql"] for q in captured)


def test_the_card_costs_one_query_with_or_without_runs(customer):
    client = Client()
    client.force_login(customer)
    assert _card_queries(client) == 1
    SyncRun.objects.bulk_create(SyncRun(user=customer, synced=i) for i in range(30))
    make_order(customer, "WS-1", status=Order.Status.FAILED, failed_at=timezone.now())
    assert _card_queries(client) == 1
