"""Counters and histograms that every process of the deployment adds to, kept in Redis.
(In core, the shared library, so that any app can count what happens in it.)

A mail is sent by a Celery worker on one machine, a webhook received by a web process on
another, and Prometheus scrapes yet another web process: a counter in process memory would
show each scrape a different slice. So events that happen anywhere are counted here, with
one Redis command per event (``HINCRBYFLOAT`` in a pipeline), and read at scrape time by
``portal.observability.collectors.SharedMetricsCollector``. Request rates and latencies, which belong to one web
process, stay in prometheus_client (multiprocess mode under gunicorn; docs/operations.md).

Counting never breaks the work it counts: when Redis does not answer, the event is dropped
and a warning logged (once a minute at most). Without ``REDIS_URL`` (development, tasks in
process) the numbers live in this process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from prometheus_client.utils import floatToGoString

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counter:
    name: str  # without _total
    documentation: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Histogram:
    name: str
    documentation: str
    buckets: tuple[float, ...]  # upper bounds, ascending; +Inf is added


MAIL_SENT = Counter(
    "portal_mail_sent", "Mail messages handed to the mail relay (every kind: account, billing, marketing)."
)
MAIL_FAILED = Counter("portal_mail_failed", "Mail messages the mail relay did not take (error or refused).")
TASK_FAILURES = Counter("portal_celery_task_failures", "Celery tasks that ended in an error.", ("task",))
TASK_RETRIES = Counter("portal_celery_task_retries", "Celery tasks that were scheduled to run again.", ("task",))
WEBHOOK_LAG = Histogram(
    "portal_mollie_webhook_lag_seconds",
    "Seconds from receiving a Mollie webhook to having applied the payment it announced.",
    (0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600),
)

COUNTERS: tuple[Counter, ...] = (MAIL_SENT, MAIL_FAILED, TASK_FAILURES, TASK_RETRIES)
HISTOGRAMS: tuple[Histogram, ...] = (WEBHOOK_LAG,)

_WARN_EVERY_S = 60.0
_lock = threading.Lock()
_local: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
_client = None
_client_url: str | None = None
_last_warning = 0.0


def _key(name: str) -> str:
    prefix = getattr(settings, "CACHES", {}).get("default", {}).get("KEY_PREFIX", "portal")
    return f"{prefix}:metrics:{name}"


def _redis():
    """One connection pool per process (and per REDIS_URL, which tests change)."""
    global _client, _client_url
    url = settings.REDIS_URL
    if not url:
        return None
    if _client is None or _client_url != url:
        import redis

        _client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        _client_url = url
    return _client


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > _WARN_EVERY_S:
        _last_warning = now
        logger.warning("metrics not recorded: Redis unavailable (%s)", exc.__class__.__name__)


def _add(updates: Iterable[tuple[str, str, float]]) -> None:
    updates = list(updates)
    client = _redis()
    if client is None:
        with _lock:
            for name, field, amount in updates:
                _local[name][field] += amount
        return
    try:
        pipe = client.pipeline(transaction=False)
        for name, field, amount in updates:
            pipe.hincrbyfloat(_key(name), field, amount)
        pipe.execute()
    except Exception as exc:  # noqa: BLE001  (never let counting break the counted work)
        _warn(exc)


def _labels_field(labels: Sequence[str], values: dict[str, str]) -> str:
    return json.dumps([str(values.get(label, "")) for label in labels])


def increment(counter: Counter, amount: float = 1, **labels: str) -> None:
    if amount:
        _add([(counter.name, _labels_field(counter.labels, labels), amount)])


def observe(histogram: Histogram, value: float) -> None:
    updates = [(histogram.name, "count", 1.0), (histogram.name, "sum", float(value))]
    updates += [(histogram.name, f"le:{bound}", 1.0) for bound in histogram.buckets if value <= bound]
    _add(updates)


def _read(name: str) -> dict[str, float]:
    client = _redis()
    if client is None:
        with _lock:
            return dict(_local[name])
    return {field.decode(): float(value) for field, value in client.hgetall(_key(name)).items()}


def read_counter(counter: Counter) -> list[tuple[list[str], float]]:
    """[(label values, total)], as stored."""
    return [(json.loads(field), value) for field, value in sorted(_read(counter.name).items())]


def read_histogram(histogram: Histogram) -> tuple[list[tuple[str, float]], float, float]:
    """(cumulative buckets as Prometheus wants them, +Inf included; sum; count)."""
    raw = _read(histogram.name)
    count = raw.get("count", 0.0)
    buckets = [(floatToGoString(bound), raw.get(f"le:{bound}", 0.0)) for bound in histogram.buckets]
    buckets.append(("+Inf", count))
    return buckets, raw.get("sum", 0.0), count


def reset_for_tests() -> None:
    """Forget every shared number (tests only: each starts from zero)."""
    client = _redis()
    names = [m.name for m in (*COUNTERS, *HISTOGRAMS)]
    if client is not None:
        client.delete(*[_key(name) for name in names])
    with _lock:
        _local.clear()
