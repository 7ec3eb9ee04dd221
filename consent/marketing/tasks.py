"""Celery tasks of marketing mail: thin callers of :mod:`consent.marketing.services`."""

from __future__ import annotations

from celery import shared_task

from consent.marketing import services


@shared_task(
    name=services.SEND_MAILING_BATCH,
    acks_late=True,
    autoretry_for=(services.DeliveryFailed,),
    retry_backoff=5,
    retry_backoff_max=540,
    max_retries=12,
    ignore_result=True,
)
def send_mailing_batch(mailing_id: int) -> None:
    """Send the next batch of a mailing; the service queues the batch after it."""
    services.mailing_send_batch(mailing_id=mailing_id)


@shared_task(acks_late=True, ignore_result=True)
def resume_mailings() -> int:
    """Beat: pick up mailings whose batches stopped (see services.mailings_resume)."""
    return services.mailings_resume()
