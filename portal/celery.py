"""The Celery app. Redis is the broker; without REDIS_URL (development only) tasks run
in-process, eagerly."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["consent.statement", "consent.marketing"])  # consent.statement.tasks, consent.marketing.tasks

# Task failures and retries counted for the metrics (portal.observability).
import portal.observability.celery_events  # noqa: E402, F401
