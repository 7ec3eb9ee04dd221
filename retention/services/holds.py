"""Legal holds: a customer's data kept past its periods while a hold is active (staff in the
admin, ops with ``manage.py retention hold``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from audit.events import Action
from audit.services import record
from retention.base import RetentionError, now, ops_label
from retention.models import LegalHold


@transaction.atomic
def hold_add(*, user, reason: str, by=None) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("a hold needs a reason")
    if len(reason) > 500:
        raise RetentionError("the reason is longer than 500 characters")
    # Locks the user row: an enforcement batch erasing this account finishes first (and
    # then the hold has nothing to hold), or waits for the hold.
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user.pk).first()
    if user is None:
        raise RetentionError("that user no longer exists")
    actor, system, label = ops_label(by)
    hold = LegalHold.objects.create(subject_id=user.pk, user=user, reason=reason, created_at=now(), created_by=label)
    record(
        Action.RETENTION_HOLD_ADDED,
        actor=actor,
        system=system,
        subject=user,
        target=hold,
        changes={"hold": hold.pk, "reason": [None, reason]},
    )
    return hold


@transaction.atomic
def hold_release(*, hold_id: int, by=None) -> LegalHold:
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise RetentionError(f"no legal hold #{hold_id}")
    if hold.released_at is not None:
        raise RetentionError(f"legal hold #{hold_id} was already released on {hold.released_at:%Y-%m-%d %H:%M}")
    actor, system, label = ops_label(by)
    hold.released_at = now()
    hold.released_by = label
    hold.save(update_fields=["released_at", "released_by"])
    record(
        Action.RETENTION_HOLD_RELEASED,
        actor=actor,
        system=system,
        subject_id=hold.subject_id,
        target=hold,
        changes={"hold": hold.pk, "released_at": [None, hold.released_at.isoformat()]},
    )
    return hold
