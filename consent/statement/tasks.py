"""Celery tasks of the privacy statement: thin callers of :mod:`consent.statement.services`."""

from __future__ import annotations

from celery import shared_task

from consent.statement import services
from consent.statement.services import ANNOUNCE_BATCH, ANNOUNCE_VERSION


@shared_task(name=ANNOUNCE_VERSION, acks_late=True, ignore_result=False)
def announce_version_task(version_id: int) -> int:
    return services.announce_version(version_id=version_id)


@shared_task(
    name=ANNOUNCE_BATCH,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=540,
    max_retries=8,
)
def announce_batch_task(version_id: int, user_ids: list[int]) -> int:
    return services.announce_to(version_id=version_id, user_ids=user_ids)
