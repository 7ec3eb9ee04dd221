"""Metrics of the retention register, read at scrape time (settings.METRICS_COLLECTORS)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from register import registry
from retention.models import LegalHold
from retention.services import MAX_RUN_AGE, now


class OverdueCollector:
    """Per category: rows whose period ended longer ago than the daily run may take
    (``MAX_RUN_AGE``, the heartbeat's own limit) and that are still there, customers under a
    legal hold left out. Anything above zero is a promise of the privacy statement being
    broken right now."""

    def collect(self) -> Iterator[Metric]:
        at = now() - MAX_RUN_AGE
        held = LegalHold.objects.held_user_ids()
        family = GaugeMetricFamily(
            "portal_retention_overdue_items",
            "Personal-data rows still kept more than a day after their retention period ended.",
            labels=["category"],
        )
        for category in registry.enforced_categories():
            family.add_metric([category.name], category.due_queryset(at, held).count())
        yield family
