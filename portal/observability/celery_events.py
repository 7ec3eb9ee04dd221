"""Task failures and retries, counted for the metrics from whichever worker ran the task."""

from __future__ import annotations

from celery.signals import task_failure, task_retry

from core import metrics as shared


@task_failure.connect
def _count_failure(sender=None, **kwargs) -> None:
    shared.increment(shared.TASK_FAILURES, task=getattr(sender, "name", "unknown"))


@task_retry.connect
def _count_retry(sender=None, **kwargs) -> None:
    shared.increment(shared.TASK_RETRIES, task=getattr(sender, "name", "unknown"))
