"""Reads of the privacy office."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import CLOSED_STATUSES, PrivacyRequest


def requests_open() -> QuerySet:
    return PrivacyRequest.objects.exclude(status__in=CLOSED_STATUSES)


def request_is_overdue(request: PrivacyRequest, today: date | None = None) -> bool:
    return not request.is_closed and request.due_on < (today or timezone.localdate())
