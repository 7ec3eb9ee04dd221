"""Metrics of the sync engine, read at scrape time (settings.METRICS_COLLECTORS). The orders'
backlog per state is ``webshop.metrics.SyncBacklogCollector``; this adds the runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from koppeling.models import Connection
from sync.models import SyncRun, SyncState

RECENT = timedelta(hours=1)
OVERDUE_AFTER = timedelta(minutes=5)  # five ticks late: the workers do not keep up


class SyncRunsCollector:
    """Runs started in the last hour per outcome, and customers whose run is overdue."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        counts = dict(
            SyncRun.objects.filter(started_at__gte=now - RECENT)
            .values_list("outcome")
            .annotate(n=Count("pk"))
            .order_by()
        )
        runs = GaugeMetricFamily(
            "portal_sync_runs_last_hour", "Sync runs started in the last hour, per outcome.", labels=["outcome"]
        )
        for outcome in SyncRun.Outcome:
            runs.add_metric([outcome.value], counts.get(outcome.value, 0))
        yield runs
        yield GaugeMetricFamily(
            "portal_sync_divisions_overdue",
            "Customers whose koppeling was due more than five minutes ago and has not run.",
            value=SyncState.objects.filter(
                next_run_at__lt=now - OVERDUE_AFTER,
                user__exact_connection__state=Connection.State.CONNECTED,
                user__koppeling_settings__paused=False,
            )
            .exclude(user__koppeling_settings__flows=[])
            .count(),
        )
