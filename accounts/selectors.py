"""Reads about accounts for pages and mails outside the account's own pages."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import StaffNote, User


def kept_until(user: User) -> date | None:
    """The last day a closed account is kept (three calendar months after closing; erased
    from the day after). None for an account that is not closed."""
    from accounts.personal_data import ACCOUNT_PERIOD

    return ACCOUNT_PERIOD.last_day(user.closed_at) if user.closed_at else None


def closed_account_facts(user: User) -> dict[str, str]:
    """The same facts about a closed account wherever it is told (closing mail, login,
    password reset, signup): when it was closed and until when it is kept. Plain strings,
    so a queued mail can carry them."""
    if user.closed_at is None:
        return {}
    return {
        "closed_on": timezone.localtime(user.closed_at).strftime("%d-%m-%Y"),
        "kept_until": kept_until(user).strftime("%d-%m-%Y"),
    }


def closed_user_for_email(email: str) -> User | None:
    """The closed account that uses ``email`` (its login address or any address of it)."""
    from allauth.account.models import EmailAddress

    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.filter(email__iexact=email, closed_at__isnull=False).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, user__closed_at__isnull=False).first()
        user = address.user if address else None
    return user


def staff_notes(*, user, limit: int = 50) -> list[StaffNote]:
    """The internal notes about ``user``, newest first (one query)."""
    return list(StaffNote.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])
