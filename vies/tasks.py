"""Thin Celery tasks over :mod:`vies.services`: ids in."""

from __future__ import annotations

from celery import shared_task

from vies import services


@shared_task(name=services.RETRY_CHECK, ignore_result=True)
def retry_check(check_id: int) -> None:
    services.vat_check_run(check_id=check_id, only_when_due=True)


@shared_task(name="vies.tasks.retry_due", ignore_result=True)
def retry_due() -> int:
    return services.vat_checks_retry_due()


@shared_task(name="vies.tasks.renew_checks", ignore_result=True)
def renew_checks() -> int:
    return services.vat_checks_renew()
