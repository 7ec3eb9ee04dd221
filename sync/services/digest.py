"""The daily error digest: one mail to the customer's error address (Instellingen), only
when orders failed since the previous digest."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.formatting import greeting_name
from core.mail import send_later
from koppeling.models import KoppelingSettings
from sync.models import SyncState
from webshop.models import Order

LISTED = 20  # errors named in the mail; the rest are on the Synchronisatie page


def send_digests() -> int:
    """Mail each customer with new errors; the number of mails queued."""
    sent = 0
    rows = KoppelingSettings.objects.exclude(error_email="").values_list("user_id", "error_email")
    for user_id, address in rows:
        with transaction.atomic():
            state, _created = SyncState.objects.select_for_update().get_or_create(user_id=user_id)
            errors = Order.objects.filter(user_id=user_id, status=Order.Status.FAILED)
            if state.digest_sent_at is not None:
                errors = errors.filter(failed_at__gt=state.digest_sent_at)
            new = list(errors.order_by("failed_at", "pk").values("number", "error_message", "error_hint")[: LISTED + 1])
            if not new:
                continue
            total = errors.count() if len(new) > LISTED else len(new)
            state.digest_sent_at = timezone.now()
            state.save(update_fields=["digest_sent_at"])
            send_later(
                "sync/email/error_digest",
                to=[address],
                context={
                    "greeting_name": greeting_name(state.user),
                    "errors": new[:LISTED],
                    "count": total,
                    "more": max(0, total - LISTED),
                },
            )
            sent += 1
    return sent
