"""Metrics of the audit trail, read at scrape time (settings.METRICS_COLLECTORS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from audit import checkpoints


class CheckpointCollector:
    """How old the newest signed checkpoint is (beat writes one an hour; +Inf when there is
    none), and whether its signature holds."""

    def collect(self) -> Iterator[Metric]:
        try:
            latest = checkpoints.latest_checkpoint()
            valid = 1
        except checkpoints.CheckpointError:
            latest, valid = None, 0
        if latest is None:
            age = float("inf")
        else:
            age = (timezone.now() - datetime.fromisoformat(latest.created_at)).total_seconds()
        yield GaugeMetricFamily(
            "portal_audit_checkpoint_age_seconds", "Seconds since the newest signed audit checkpoint.", value=age
        )
        yield GaugeMetricFamily(
            "portal_audit_checkpoint_valid", "1 when the newest audit checkpoint's signature holds.", value=valid
        )
