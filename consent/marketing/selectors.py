"""Reads of marketing mail: a customer's choice, who receives a mailing, how far a mailing is.
Writes are in :mod:`consent.marketing.services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from consent.models import Mailing, MailingRecipient, MarketingPreference

User = get_user_model()


def preference_for(user) -> MarketingPreference | None:
    return MarketingPreference.objects.filter(user=user).first()


def receives_marketing(user) -> bool:
    """Whether marketing mail goes to ``user`` now (the soft opt-in: unless objected)."""
    return eligible_customers().filter(pk=user.pk).exists()


def users_with_address(address: str) -> QuerySet:
    """The accounts that use ``address`` (current or another of their addresses)."""
    address = address.strip().lower()
    listed = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=address)
    return User.objects.filter(Q(email__iexact=address) | Exists(listed))


def eligible_customers() -> QuerySet:
    """Active customers (not staff, not closed) with a verified address who have not objected."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    objected = MarketingPreference.objects.filter(user=OuterRef("pk"), objected=True)
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False, closed_at__isnull=True)
        .exclude(email="")
        .filter(Exists(verified))
        .exclude(Exists(objected))
    )


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    sending: int
    sent: int
    skipped: int
    failed: int
    unknown: int

    @property
    def done(self) -> bool:
        return self.pending == 0 and self.sending == 0


def mailing_progress(mailing: Mailing) -> Progress:
    """How far a mailing is (from its recipient rows; the stored counts once finished and
    the rows are gone)."""
    counts = dict(mailing.recipients.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    if not counts and mailing.status == Mailing.Status.SENT:
        return Progress(
            total=mailing.recipient_count,
            pending=0,
            sending=0,
            sent=mailing.sent_count,
            skipped=mailing.skipped_count,
            failed=mailing.failed_count,
            unknown=max(0, mailing.recipient_count - mailing.sent_count - mailing.skipped_count - mailing.failed_count),
        )
    status = MailingRecipient.Status
    return Progress(
        total=sum(counts.values()),
        pending=counts.get(status.PENDING, 0),
        sending=counts.get(status.SENDING, 0),
        sent=counts.get(status.SENT, 0),
        skipped=counts.get(status.SKIPPED, 0),
        failed=counts.get(status.FAILED, 0),
        unknown=counts.get(status.UNKNOWN, 0),
    )


# --- figures for the staff overview -------------------------------------------------------


@dataclass(frozen=True)
class Objections:
    standing: int  # customers who object to marketing mail now
    per_month: list[tuple[date, int]]  # of those, by the month they objected (the asked months)


def objections(*, months: list[date]) -> Objections:
    """Standing objections to marketing mail, in all and per month of ``months`` (first days,
    local calendar) by the month of the objection: one query. A customer who objected and
    later chose mail again is not counted (the preference holds the latest choice; the audit
    trail keeps every one)."""
    from django.db.models.functions import TruncMonth

    from core.buckets import local_day

    rows = (
        MarketingPreference.objects.filter(objected=True)
        .order_by()
        .annotate(month=TruncMonth("changed_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    found = {local_day(row["month"]): row["n"] for row in rows}
    return Objections(standing=sum(found.values()), per_month=[(month, found.get(month, 0)) for month in months])
