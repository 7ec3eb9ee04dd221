"""Reads of the privacy office."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import CLOSED_STATUSES, Disclosure, PrivacyRequest

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


def disclosures_for_own_export(user, today: date | None = None) -> list:
    """The disclosures about ``user`` that their own export shows: none while a legal hold
    applies to them, and none whose ban on telling them is still in force."""
    from retention.models import LegalHold

    today = today or timezone.localdate()
    if LegalHold.objects.active().filter(subject_id=user.pk).exists():
        return []
    return list(
        Disclosure.objects.filter(subject_id=user.pk)
        .exclude(notice_banned=True, notice_banned_until__isnull=True)
        .exclude(notice_banned=True, notice_banned_until__gte=today)
        .order_by("disclosed_on", "pk")
    )
