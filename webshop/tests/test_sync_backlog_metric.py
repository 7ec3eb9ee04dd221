"""portal_sync_backlog_orders and portal_sync_oldest_waiting_seconds: webshop orders not yet
in Exact Online, per state, read from the orders at scrape time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from portal.testing.metrics import scrape
from webshop.models import Order

BACKLOG = "portal_sync_backlog_orders"
OLDEST = "portal_sync_oldest_waiting_seconds"


def order(user, number: str, *, status: str = Order.Status.RECEIVED, received_at=None) -> Order:
    return Order.objects.create(
        user=user,
        number=number,
        order_date=date(2026, 12, 1),
        payload={"number": number},
        content_hash=number.ljust(64, "0"),
        amount_net=Decimal("10.00"),
        amount_vat=Decimal("2.10"),
        amount_gross=Decimal("12.10"),
        status=status,
        received_at=received_at or timezone.now(),
    )


@pytest.mark.django_db
def test_the_backlog_counts_orders_per_state_and_forgets_synced_ones(client, customer):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        empty = scrape(client)
        assert empty.value(BACKLOG, state="received") == 0
        assert empty.value(BACKLOG, state="failed") == 0
        assert empty.value(OLDEST) == 0
        first = order(customer, "W-1", received_at=start - timedelta(minutes=10))
        order(customer, "W-2")
        order(customer, "W-3", status=Order.Status.FAILED)
        order(customer, "W-4", status=Order.Status.SYNCED)
        samples = scrape(client)
        assert samples.value(BACKLOG, state="received") == 2
        assert samples.value(BACKLOG, state="failed") == 1
        assert samples.value(OLDEST) == 600
        Order.objects.filter(pk=first.pk).update(status=Order.Status.SYNCED)
        samples = scrape(client)
        assert samples.value(BACKLOG, state="received") == 1
        assert samples.value(OLDEST) == 0
