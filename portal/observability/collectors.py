"""Collectors that read their numbers at scrape time, so every web process answers the same
whatever process or machine the event happened on (docs/operations.md, "Metrics")."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from core import metrics as shared

# kombu's Redis transport keeps a queue as a list under its name, with a list per priority
# step beside it (``<queue>\x06\x16<step>``) and unacknowledged deliveries in one hash.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
_UNACKED = "unacked"


class SharedMetricsCollector:
    """Mail sent and failed, task failures and retries, webhook lag: counted in Redis by
    whichever process did the work (core.metrics)."""

    def collect(self) -> Iterator[Metric]:
        for counter in shared.COUNTERS:
            family = CounterMetricFamily(counter.name, counter.documentation, labels=list(counter.labels))
            values = shared.read_counter(counter)
            if counter.labels:
                for labels, value in values:
                    family.add_metric(labels, value)
            else:  # present from the start (0), so rate() and increase() have a first sample
                family.add_metric([], sum(value for _labels, value in values))
            yield family
        for histogram in shared.HISTOGRAMS:
            buckets, total, _count = shared.read_histogram(histogram)
            yield HistogramMetricFamily(histogram.name, histogram.documentation, buckets=buckets, sum_value=total)


class CeleryQueueCollector:
    """Tasks waiting in the broker, and tasks delivered to a worker but not yet acknowledged
    (a worker that died holds them until the broker's visibility timeout)."""

    def collect(self) -> Iterator[Metric]:
        broker = settings.CELERY_BROKER_URL
        if not broker.startswith(("redis://", "rediss://", "unix://")):
            return  # development: tasks run in process, nothing waits
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
        try:
            queue = settings.CELERY_TASK_DEFAULT_QUEUE
            pipe = client.pipeline(transaction=False)
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(f"{queue}{suffix}")
            pipe.hlen(_UNACKED)
            *lengths, unacked = pipe.execute()
        finally:
            client.close()
        waiting = GaugeMetricFamily(
            "portal_celery_queue_length", "Tasks waiting in the broker queue.", labels=["queue"]
        )
        waiting.add_metric([queue], sum(lengths))
        yield waiting
        yield GaugeMetricFamily(
            "portal_celery_unacked_tasks", "Tasks handed to a worker and not yet acknowledged.", value=unacked
        )
