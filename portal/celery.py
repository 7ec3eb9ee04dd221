"""The Celery app. Redis is the broker; without REDIS_URL (development only) tasks run
in-process, eagerly."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["consent.statement", "consent.marketing"])  # consent.statement.tasks, consent.marketing.tasks
# Task lines with task id, name, duration and the request id of the request that queued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _django_logging(**kwargs) -> None:
    """Workers and beat log through Django's LOGGING (one JSON object per line in
    production) instead of Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# Task failures and retries counted for the metrics (portal.observability).
import portal.observability.celery_events  # noqa: E402, F401
