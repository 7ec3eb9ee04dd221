"""The Celery app. Redis is the broker; without REDIS_URL (development only) tasks run
in-process, eagerly."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging, task_success
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


@task_success.connect
def _job_heartbeat(sender=None, **kwargs) -> None:
    """A scheduled job's task succeeded: `manage.py jobs status` and /healthz/jobs see it
    (portal.health). Other tasks cost one set lookup."""
    from django.conf import settings

    name = getattr(sender, "name", "")
    if name not in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}:
        return
    from portal import health

    try:
        health.record_success(name)
    except Exception:
        import logging

        logging.getLogger(__name__).exception("could not record the heartbeat of %s", name)


# Task failures and retries counted for the metrics (portal.observability).
import portal.observability.celery_events  # noqa: E402, F401
