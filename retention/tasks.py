"""Celery tasks: thin callers of retention.services."""

from __future__ import annotations

from celery import shared_task

from retention import services


@shared_task(acks_late=True, ignore_result=False)
def enforce_retention() -> dict:
    """The daily catch-up job: removes everything past its cutoff. Another run holding the
    lock means there is nothing to do now."""
    try:
        result = services.enforce(trigger="beat")
    except services.RunInProgress:
        return {"status": "skipped"}
    return {"status": str(result.status), "run_id": result.run_id, "total": result.total}


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_export(export_id: str, language: str | None = None) -> None:
    try:
        services.export_build(export_id=export_id, language=language)
    except OSError:
        raise
    except Exception:
        services.export_failed(export_id=export_id)
        raise
