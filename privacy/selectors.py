"""Reads of the privacy office."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import CLOSED_STATUSES, PrivacyRequest

AP_CLOCK = timedelta(hours=72)  # AVG art. 33(1): to the Autoriteit Persoonsgegevens


def requests_open() -> QuerySet:
    return PrivacyRequest.objects.exclude(status__in=CLOSED_STATUSES)


def request_is_overdue(request: PrivacyRequest, today: date | None = None) -> bool:
    return not request.is_closed and request.due_on < (today or timezone.localdate())


def breach_deadline(breach):
    """When the Autoriteit Persoonsgegevens must have been told: 72 hours after detection."""
    return breach.detected_at + AP_CLOCK


def breach_is_overdue(breach, now=None) -> bool:
    """Past the 72 hours without "gemeld op" or "niet gemeld omdat"."""
    if breach.reported_on or breach.not_reported_reason:
        return False
    return (now or timezone.now()) > breach_deadline(breach)
