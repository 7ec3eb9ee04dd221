"""Cancelling: at the end of the paid period (the customer, with undo), at once (staff,
account closure, the end of dunning), and the end of periods that ran out after a
cancellation. Mollie's subscription follows after commit (``followup.push_later``).

Cancelling and undoing it mail their confirmation themselves (after commit, to the billing
recipient, in the language the customer subscribed in), however they are called."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import euro
from core.mail import send_later
from subscriptions.billing_contact import billing_recipient
from subscriptions.enums import System
from subscriptions.models import CancelReason, Payment, Subscription
from subscriptions.selectors import next_charge_amount
from subscriptions.services.base import BillingError, current_time, lock_subscription
from subscriptions.services.followup import push_later


def _cancel_mail(subscription: Subscription, template: str) -> None:
    recipient = billing_recipient(user=subscription.user)
    if recipient is None:
        return
    language = subscription.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": recipient.name,
            "plan": subscription.plan.name,
            "last_day": formats.date_format(subscription.paid_through, "j F Y"),
            "next_charge": formats.date_format(subscription.current_period_end, "j F Y"),
            "amount": euro(next_charge_amount(subscription=subscription)),
            "reverse_charge": subscription.reverse_charge,
            "url": settings.SITE_URL + reverse("subscriptions:overview"),
        }
    send_later(f"subscriptions/email/{template}", to=[recipient.email], context=context, language=language)


@transaction.atomic
def subscription_cancel_at_period_end(
    *, subscription: Subscription, by, reason: str = "", reason_text: str = ""
) -> Subscription:
    """The customer cancels at the end of the paid period, optionally saying why (``reason``:
    a ``CancelReason`` value, ``reason_text``: their own words, already validated). Serialised
    on the subscription row: only the call that cancels records it and mails the
    confirmation (a double submit mails once)."""
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.ACTIVE:
        raise BillingError(_("Alleen een actief abonnement kunt u opzeggen."))
    if reason and reason not in CancelReason.values:
        raise BillingError(_("Kies een reden uit de lijst, of geen."))
    if subscription.cancel_at_period_end:
        return subscription
    subscription.cancel_at_period_end = True
    subscription.cancel_requested_at = current_time()
    subscription.cancel_reason = reason
    subscription.cancel_reason_text = reason_text[:1000]
    subscription.save(
        update_fields=["cancel_at_period_end", "cancel_requested_at", "cancel_reason", "cancel_reason_text"]
    )
    changes = {"cancel_at_period_end": [False, True], "ends_on": [None, subscription.current_period_end.isoformat()]}
    if reason:
        changes["cancel_reason"] = [None, reason]
    if reason_text:
        changes["cancel_reason_text"] = [None, "(given)"]  # the words stay on the subscription
    record(
        Action.SUBSCRIPTION_CANCEL_REQUESTED,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes=changes,
    )
    push_later(subscription)
    _cancel_mail(subscription, "cancel_confirmed")
    return subscription


@transaction.atomic
def subscription_cancel_undo(*, subscription: Subscription, by) -> Subscription:
    """The customer withdraws the cancellation (refused when there is none, or the period
    is over); mailed after commit."""
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.ACTIVE or not subscription.cancel_at_period_end:
        raise BillingError(_("Er is geen opzegging om in te trekken."))
    if subscription.current_period_end is None or subscription.current_period_end <= timezone.localdate():
        raise BillingError(_("De termijn is al afgelopen; sluit een nieuw abonnement af."))
    subscription.cancel_at_period_end = False
    subscription.cancel_requested_at = None
    subscription.save(update_fields=["cancel_at_period_end", "cancel_requested_at"])
    record(
        Action.SUBSCRIPTION_CANCEL_UNDONE,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"cancel_at_period_end": [True, False]},
    )
    push_later(subscription)
    _cancel_mail(subscription, "cancel_undone")
    return subscription


@transaction.atomic
def subscription_cancel_now(
    *, subscription: Subscription, by=None, system: str | None = None, reason: str = ""
) -> Subscription:
    """End at once (staff, account closure): no further charges, access ends now."""
    subscription = lock_subscription(subscription)
    if not subscription.is_live:
        return subscription
    old = subscription.status
    subscription.status = Subscription.Status.CANCELED
    subscription.ended_at = current_time()
    subscription.end_reason = reason[:200]
    subscription.save(update_fields=["status", "ended_at", "end_reason"])
    record(
        Action.SUBSCRIPTION_CANCELED,
        actor=by,
        system=system,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"status": [old, Subscription.Status.CANCELED], **({"reason": [None, reason]} if reason else {})},
    )
    push_later(subscription)
    return subscription


@transaction.atomic
def subscriptions_end_due(*, now: datetime | None = None) -> int:
    """Subscriptions cancelled at the end of their period whose period is over."""
    now = now or current_time()
    today = timezone.localdate(now)
    ended = 0
    # A charge still open at Mollie decides first: if it is paid, the period it pays is the
    # customer's (and the subscription ends after it); if it fails, the next run ends it.
    charging = Payment.objects.filter(
        subscription=OuterRef("pk"), sequence_type=Payment.Sequence.RECURRING, status__in=Payment.OPEN_STATUSES
    )
    due = (
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE, cancel_at_period_end=True, current_period_end__lte=today
        )
        .exclude(Exists(charging))
        .order_by("pk")
    )
    for subscription_id in list(due.values_list("pk", flat=True)):
        # Locked one by one in the one lock order (user, then subscription) and read again.
        subscription = lock_subscription(Subscription(pk=subscription_id))
        if not due.filter(pk=subscription_id).exists():
            continue  # undone, paid on or charged meanwhile
        subscription.status = Subscription.Status.ENDED
        subscription.ended_at = timezone.make_aware(datetime.combine(subscription.current_period_end, time.min))
        subscription.save(update_fields=["status", "ended_at"])
        record(
            Action.SUBSCRIPTION_ENDED,
            system=System.BILLING,
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "status": [Subscription.Status.ACTIVE, Subscription.Status.ENDED],
                "ended_at": [None, subscription.ended_at.isoformat()],
            },
        )
        ended += 1
    return ended
