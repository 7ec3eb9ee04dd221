"""Metrics of the webshop orders on their way into Exact Online, read at scrape time
(settings.METRICS_COLLECTORS): the sync backlog per state."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from webshop.models import Order

BACKLOG_STATES = (Order.Status.RECEIVED, Order.Status.FAILED)  # synced orders are done


class SyncBacklogCollector:
    """Orders not yet in Exact, per state (``received``: waiting for the sync engine, also
    between retries; ``failed``: waiting for the customer), and how long the oldest waiting
    order has waited."""

    def collect(self) -> Iterator[Metric]:
        counts = dict(
            Order.objects.filter(status__in=BACKLOG_STATES).values_list("status").annotate(n=Count("pk")).order_by()
        )
        backlog = GaugeMetricFamily(
            "portal_sync_backlog_orders", "Webshop orders not yet in Exact Online, per state.", labels=["state"]
        )
        for state in BACKLOG_STATES:
            backlog.add_metric([state.value], counts.get(state.value, 0))
        yield backlog
        oldest = Order.objects.filter(status=Order.Status.RECEIVED).aggregate(at=Min("received_at"))["at"]
        yield GaugeMetricFamily(
            "portal_sync_oldest_waiting_seconds",
            "Seconds the oldest order still waiting for the sync engine has waited (0 when none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )
