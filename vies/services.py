"""Checking VAT ids against VIES and keeping the answer as proof (docs/billing.md, "VAT ids
checked in VIES").

* Saving a VAT id (customer or staff, through ``PROFILE_CHANGE_STEPS``) creates an
  ``unchecked`` :class:`~vies.models.VatCheck`; once the save commits, VIES is asked at
  once, in the same request, so the page after saving shows the answer.
* VIES unavailable (``MS_UNAVAILABLE``, busy, timeout, …): the check stays unchecked with
  the reason and the time of the next attempt; the task ``retry_check`` is queued for that
  time, and the job ``retry_due`` picks up whatever a lost task left. Attempts back off
  from 2 minutes to hourly and stop after :data:`GIVE_UP_AFTER` (saving the VAT id again
  starts over).
* A valid check counts for reverse charge for ``selectors.VALID_FOR`` (30 days); the daily
  job ``renew_checks`` asks VIES again for each VAT id whose last answer is older than
  :data:`RENEW_AFTER`, so a customer with a valid id keeps reverse charge.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from audit.events import Action
from audit.services import record
from core.on_commit import after_commit
from vies import client
from vies.models import VatCheck

logger = logging.getLogger(__name__)

RETRY_CHECK = "vies.tasks.retry_check"
RENEW_AFTER = timedelta(days=25)
GIVE_UP_AFTER = timedelta(days=7)
_BACKOFF_MINUTES = (2, 5, 15, 30, 60)
_EARLY_TOLERANCE = timedelta(seconds=5)  # a worker's clock may run a little ahead of ours


def on_profile_changed(*, profile: Profile, changes: dict) -> None:
    """A step of ``PROFILE_CHANGE_STEPS``: a new VAT id is checked."""
    if "vat_id" in changes and profile.vat_id:
        vat_check_request(user=profile.user, vat_id=profile.vat_id)


def vat_check_request(*, user, vat_id: str) -> VatCheck:
    """A new check of ``vat_id`` for ``user``; VIES is asked once the transaction commits
    (at once outside one)."""
    check = VatCheck.objects.create(user=user, vat_id=vat_id, requester=settings.COMPANY.get("vat_id") or "")
    transaction.on_commit(lambda: vat_check_run(check_id=check.pk), robust=True)
    return check


class ViesError(Exception):
    """A check that cannot be asked for (the message says why, in Dutch)."""


def vat_check_profile(*, user) -> VatCheck:
    """Staff ask VIES again about the customer's saved VAT id ("Klantacties"); outside a
    transaction the answer is in when this returns."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not profile.vat_id:
        raise ViesError(_("Deze klant heeft geen btw-identificatienummer opgeslagen."))
    check = vat_check_request(user=user, vat_id=profile.vat_id)
    check.refresh_from_db()
    return check


def _next_attempt(attempts: int, now: datetime) -> datetime:
    minutes = _BACKOFF_MINUTES[min(attempts, len(_BACKOFF_MINUTES)) - 1]
    return now + timedelta(minutes=minutes)


def vat_check_run(*, check_id: int, only_when_due: bool = False) -> VatCheck | None:
    """Ask VIES about an unchecked check and store the answer (or why there is none).
    Outside any transaction: the call is not made while a row is locked. ``only_when_due``
    (the retry task): nothing happens before the check's next attempt is due (a task run
    early, or twice, asks VIES no sooner than the back-off says)."""
    check = VatCheck.objects.filter(pk=check_id, result=VatCheck.Result.UNCHECKED).first()
    if check is None:
        return None
    if only_when_due and (check.next_attempt_at is None or check.next_attempt_at > timezone.now() + _EARLY_TOLERANCE):
        return None
    profile = Profile.objects.filter(user_id=check.user_id).first()
    if profile is None or profile.vat_id != check.vat_id:  # changed since: that id has its own check
        VatCheck.objects.filter(pk=check.pk).update(next_attempt_at=None, reason="superseded")
        return None
    try:
        answer = client.check(check.vat_id)
    except client.ViesUnavailable as exc:
        return _unavailable(check.pk, exc.code)
    with transaction.atomic():
        check = VatCheck.objects.select_for_update().filter(pk=check_id, result=VatCheck.Result.UNCHECKED).first()
        if check is None:  # answered meanwhile by a parallel attempt
            return None
        check.result = VatCheck.Result.VALID if answer.valid else VatCheck.Result.INVALID
        check.checked_at = timezone.now()
        check.name, check.address = answer.name, answer.address
        check.consultation_number = answer.consultation_number
        check.response = answer.raw
        check.reason, check.next_attempt_at = "", None
        check.attempts += 1
        check.save()
        record(
            Action.VAT_ID_CHECKED,
            system="VIES",
            subject_id=check.user_id,
            target=check,
            changes={
                "vat_id": [None, check.vat_id],
                "result": [None, check.result],
                "consultation_number": [None, check.consultation_number],
            },
        )
    return check


def _unavailable(check_id: int, code: str) -> VatCheck | None:
    now = timezone.now()
    with transaction.atomic():
        check = VatCheck.objects.select_for_update().filter(pk=check_id, result=VatCheck.Result.UNCHECKED).first()
        if check is None:
            return None
        check.attempts += 1
        check.reason = code
        gave_up = now - check.requested_at >= GIVE_UP_AFTER
        check.next_attempt_at = None if gave_up else _next_attempt(check.attempts, now)
        check.save(update_fields=["attempts", "reason", "next_attempt_at"])
        if check.next_attempt_at is not None:
            wait = (check.next_attempt_at - now).total_seconds()
            # A longer wait is left to the 10-minute job (``vies-retry-due``): a task held past
            # the broker's visibility timeout would be handed out again, and run twice.
            if wait <= settings.TASK_LONGEST_COUNTDOWN:
                after_commit(RETRY_CHECK, check.pk, robust=True, countdown=wait)
        else:
            logger.warning("VIES check %s of %s given up after %s attempts", check.pk, check.vat_id, check.attempts)
    return check


def vat_checks_retry_due(*, now: datetime | None = None) -> int:
    """Ask again for every unchecked check whose next attempt is due (tasks that were lost,
    a worker that was down). Returns how many were tried."""
    now = now or timezone.now()
    due = list(
        VatCheck.objects.filter(
            result=VatCheck.Result.UNCHECKED, next_attempt_at__isnull=False, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:200]
    )
    for check_id in due:
        vat_check_run(check_id=check_id)
    return len(due)


def vat_checks_renew(*, now: datetime | None = None) -> int:
    """A new check for each saved VAT id whose last answer from VIES is older than
    :data:`RENEW_AFTER` (and that has no check waiting). Returns how many were asked."""
    now = now or timezone.now()
    asked = 0
    for profile in Profile.objects.exclude(vat_id="").filter(user__is_active=True).select_related("user"):
        latest = VatCheck.objects.filter(user_id=profile.user_id, vat_id=profile.vat_id).first()
        if latest is not None:
            if latest.result == VatCheck.Result.UNCHECKED and latest.next_attempt_at is not None:
                continue  # still being retried
            if now - (latest.checked_at or latest.requested_at) < RENEW_AFTER:
                continue
        vat_check_request(user=profile.user, vat_id=profile.vat_id)
        asked += 1
    return asked
