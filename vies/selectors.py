"""Reads of the VIES checks. Never calls VIES."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from vies.models import VatCheck

# A valid answer from VIES counts for reverse charge while it is younger than this.
VALID_FOR = timedelta(days=30)


def latest_check(*, user, vat_id: str) -> VatCheck | None:
    """The last check of this VAT id for this customer (of any outcome)."""
    if user is None or not vat_id:
        return None
    return VatCheck.objects.filter(user=user, vat_id=vat_id).order_by("-requested_at", "-id").first()


def valid_check(*, user, vat_id: str, at: datetime | None = None) -> VatCheck | None:
    """The latest valid answer for this VAT id that is younger than :data:`VALID_FOR` at
    ``at`` (now): the ground for reverse charge. None: no such proof."""
    if user is None or not vat_id:
        return None
    at = at or timezone.now()
    return (
        VatCheck.objects.filter(
            user=user,
            vat_id=vat_id,
            result=VatCheck.Result.VALID,
            checked_at__gt=at - VALID_FOR,
            checked_at__lte=at,
        )
        .order_by("-checked_at", "-id")
        .first()
    )


def valid_until(check: VatCheck) -> datetime | None:
    return check.checked_at + VALID_FOR if check.checked_at else None
