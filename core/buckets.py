"""Calendar buckets for figures over time (months, ISO weeks, days) on the local calendar
(Europe/Amsterdam), oldest first and ending with the one ``today`` is in, so a selector can
group in PostgreSQL and fill the buckets that had nothing with zero."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone


def month_starts(*, count: int, today: date) -> list[date]:
    """The first day of the last ``count`` months, this month last."""
    this_month = today.replace(day=1)
    return [this_month - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def week_starts(*, since: date, today: date) -> list[date]:
    """The Monday of every ISO week from the one ``since`` is in to this one."""
    monday = since - timedelta(days=since.weekday())
    last = today - timedelta(days=today.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def days(*, count: int, today: date) -> list[date]:
    """The last ``count`` days, today last."""
    return [today - timedelta(days=back) for back in range(count - 1, -1, -1)]


def start_of(day: date) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def local_day(value: date | datetime) -> date:
    """The local calendar day of what ``Trunc*`` returned (an aware datetime or a date)."""
    return timezone.localtime(value).date() if isinstance(value, datetime) else value
