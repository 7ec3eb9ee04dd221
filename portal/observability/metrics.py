"""The Prometheus endpoint: ``/metrics``, for the addresses in ``METRICS_ALLOWED_IPS`` only
(404 for everybody else, so it does not even show that it exists).

Two kinds of numbers (docs/operations.md, "Metrics"):

- per web process, from prometheus_client: django-prometheus's request counts and latencies
  per view. Under gunicorn (several worker processes) these live in prometheus_client's
  multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set by gunicorn.conf.py, each worker
  writes its own files there and a scrape adds them up, so one scrape of a node covers all of
  its workers.
- for the whole deployment, read at scrape time from PostgreSQL and Redis by the collectors
  named in ``settings.METRICS_COLLECTORS`` (queue depth, shared counters, overdue retention,
  audit checkpoint age). A collector that fails (PostgreSQL down) is left out of that scrape
  and ``portal_metrics_collector_up{collector=…}`` says 0, so the rest still arrives.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from portal.observability.access import is_monitoring_client

logger = logging.getLogger(__name__)


class _ThisProcess:
    """prometheus_client's default registry (this process's own metrics), when not under
    gunicorn's multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        return REGISTRY.collect()


class _Collectors:
    """The collectors named in settings, each on its own: one that fails (PostgreSQL down) is
    left out of this scrape and reported in ``portal_metrics_collector_up``."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "portal_metrics_collector_up", "1 when the collector answered in this scrape.", labels=["collector"]
        )
        for path in self.paths:
            try:
                families = list(import_string(path)().collect())
            except Exception:  # one collector down must not cost the whole scrape
                logger.exception("metrics collector %s failed", path)
                up.add_metric([path], 0)
                continue
            up.add_metric([path], 1)
            yield from families
        yield up


def registry() -> CollectorRegistry:
    result = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(result)
    else:
        result.register(_ThisProcess())
    result.register(_Collectors(list(settings.METRICS_COLLECTORS)))
    return result


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not is_monitoring_client(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
