"""Celery tasks: thin callers of retention.services."""

from __future__ import annotations

import logging

from celery import shared_task

from retention import services

logger = logging.getLogger(__name__)
EXPORT_RETRIES = 3
EXPORT_RETRY_SECONDS = 5  # 5, 10, 20 s between the attempts


@shared_task(acks_late=True, ignore_result=False)
def enforce_retention() -> dict:
    """The daily catch-up job: removes everything past its cutoff. Another run holding the
    lock means there is nothing to do now."""
    try:
        result = services.enforce(trigger="beat")
    except services.RunInProgress:
        return {"status": "skipped"}
    return {"status": str(result.status), "run_id": result.run_id, "total": result.total}


@shared_task(name=services.BUILD_EXPORT, bind=True, acks_late=True, max_retries=EXPORT_RETRIES)
def build_export(self, export_id: str, language: str | None = None) -> None:
    """Make the export; a file write that fails (disk full, permissions) is tried again a
    few times, then the export ends as failed and the customer is told (never "running"
    for days, which would also block a new request)."""
    try:
        services.export_build(export_id=export_id, language=language)
    except OSError as exc:
        # Run eagerly with propagation on (make run), a Retry would reach the request: fail now.
        eager_raises = self.request.is_eager and self.app.conf.task_eager_propagates
        if self.request.retries < self.max_retries and not eager_raises:
            raise self.retry(exc=exc, countdown=EXPORT_RETRY_SECONDS * 2**self.request.retries) from exc
        logger.exception("data export %s failed after %s retries", export_id, self.max_retries)
        services.export_failed(export_id=export_id, language=language)
    except Exception:
        logger.exception("data export %s failed", export_id)
        services.export_failed(export_id=export_id, language=language)
