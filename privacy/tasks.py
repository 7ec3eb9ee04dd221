"""Celery tasks: thin callers of privacy.services."""

from __future__ import annotations

from celery import shared_task

from privacy import services


@shared_task(acks_late=True)
def request_reminders() -> int:
    """Daily: remind the office of requests at day 20 and day 27."""
    return services.request_reminders_send()
