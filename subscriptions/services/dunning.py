"""Dunning: a failed automatic charge.

Mollie offers no dunning. An automatic charge of an active subscription that fails (or
expires, or is cancelled), or that is charged back, or a subscription Mollie stopped
charging, makes the subscription past due (status ``suspended``; the service goes on
meanwhile): the customer gets a mail with a "Nu betalen" link, reminders on day 3 and day
10, and at the start of day 14 an unpaid subscription ends (the dates:
``selectors.dunning_schedule``). "Nu betalen" is a first payment for the arrears
(``checkout.arrears_payment_start``); when it is paid (``payments``) dunning ends here
(:func:`past_due_clear`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import euro, greeting_name
from core.mail import send_later
from subscriptions.billing_contact import billing_recipients
from subscriptions.enums import DunningStep, EndReason, PastDueCause, System
from subscriptions.models import MollieSubscription, Payment, Subscription
from subscriptions.selectors import DUNNING_REMINDER_DAYS, dunning_schedule, overdue_period
from subscriptions.services.base import BillingError, add_interval, current_time, lock_billing, lock_subscription
from subscriptions.services.cancellation import subscription_cancel_now

# A failed charge dated this long before the paid period's end is an old one whose period
# has been paid since (e.g. Mollie's retry was paid first): it does not start dunning.
STALE_FAILURE = timedelta(days=7)


def _dunning_mail(subscription: Subscription, template: str, **extra) -> None:
    user = subscription.user
    if user is None or not user.email:
        return
    schedule = dunning_schedule(subscription=subscription)
    language = subscription.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": greeting_name(user),
            "plan": subscription.plan.name,
            "amount": euro(subscription.dunning_amount or subscription.amount_gross),
            "url": settings.SITE_URL + reverse("subscriptions:overview"),
            **extra,
        }
        if schedule is not None:
            context["failed_on"] = formats.date_format(schedule.failed_on, "j F Y")
            context["pay_before"] = formats.date_format(schedule.pay_before, "j F Y")
    send_later(f"subscriptions/email/{template}", to=billing_recipients(user=user), context=context, language=language)


def past_due_start(subscription: Subscription, payment: Payment, *, amount: Decimal, cause: PastDueCause) -> None:
    """A charge of this (locked) subscription failed or was charged back: past due."""
    if subscription.status != Subscription.Status.ACTIVE or subscription.cancel_at_period_end:
        # Already past due (a retry failed again: the clock runs on), not running, or
        # ending anyway at the end of its period: the failure is recorded, nothing more.
        return
    if (
        cause == PastDueCause.FAILED
        and payment.charge_date
        and subscription.current_period_end
        and (payment.charge_date < subscription.current_period_end - STALE_FAILURE)
    ):
        return  # an old charge whose period has been paid since
    old_status = subscription.status
    subscription.status = Subscription.Status.SUSPENDED
    subscription.dunning_since = current_time()
    subscription.dunning_payment = payment
    subscription.dunning_amount = amount
    subscription.dunning_reminders = 0
    subscription.save(
        update_fields=["status", "dunning_since", "dunning_payment", "dunning_amount", "dunning_reminders"]
    )
    schedule = dunning_schedule(subscription=subscription)
    record(
        Action.SUBSCRIPTION_PAST_DUE,
        system=System.MOLLIE,
        subject_id=subscription.user_id,
        target=subscription,
        changes={
            "status": [old_status, subscription.status],
            "payment": [None, payment.mollie_id],
            "cause": [None, cause],
            "amount": [None, str(amount)],
            "pay_before": [None, schedule.pay_before.isoformat()],
        },
    )
    _dunning_mail(subscription, "payment_failed", chargeback=cause == PastDueCause.CHARGEBACK)


def past_due_clear(subscription: Subscription, *, actor=None, system: str | None = None, changes: dict) -> None:
    """Leave dunning (the caller holds the lock and records what settled it)."""
    subscription.status = Subscription.Status.ACTIVE
    subscription.dunning_since = None
    subscription.dunning_payment = None
    subscription.dunning_amount = None
    subscription.dunning_reminders = 0
    subscription.save(
        update_fields=["status", "dunning_since", "dunning_payment", "dunning_amount", "dunning_reminders"]
    )
    record(
        Action.SUBSCRIPTION_PAST_DUE_ENDED,
        actor=actor,
        system=system,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"status": [Subscription.Status.SUSPENDED, Subscription.Status.ACTIVE], **changes},
    )


@transaction.atomic
def past_due_end(*, subscription: Subscription, by, reason: str) -> Subscription:
    """Staff settle the arrears by hand (e.g. paid by bank transfer, or waived): dunning
    ends, the overdue period counts as settled (the period end moves on one interval, as
    a paid charge would), no invoice is issued here. The reason is recorded."""
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.SUSPENDED:
        raise BillingError(_("Dit abonnement heeft geen achterstallige betaling."))
    reason = reason.strip()[:200]
    if not reason:
        raise BillingError(_("Geef een reden op."))
    changes: dict = {"reason": [None, reason]}
    if overdue_period(subscription) and subscription.current_period_end:
        old_end = subscription.current_period_end
        subscription.current_period_end = add_interval(old_end, subscription.plan.interval)
        subscription.save(update_fields=["current_period_end"])
        changes["current_period_end"] = [old_end.isoformat(), subscription.current_period_end.isoformat()]
    past_due_clear(subscription, actor=by, changes=changes)
    return subscription


@dataclass
class DunningReport:
    reminders_sent: int = 0
    subscriptions_ended: int = 0
    waiting_for_payment: int = 0


def dunning_run(*, now: datetime | None = None) -> DunningReport:
    """The daily dunning job, a catch-up job: for every past-due subscription, the
    reminder that is due and not yet sent (a late run sends only the latest one), or the
    end once day 14 has begun. Running it twice sends nothing twice."""
    now = now or current_time()
    report = DunningReport()
    for subscription_id in Subscription.objects.filter(status=Subscription.Status.SUSPENDED).values_list(
        "pk", flat=True
    ):
        step = _dunning_step(subscription_id, now)
        if step == DunningStep.REMINDED:
            report.reminders_sent += 1
        elif step == DunningStep.ENDED:
            report.subscriptions_ended += 1
        elif step == DunningStep.WAITING:
            report.waiting_for_payment += 1
    return report


@transaction.atomic
def _dunning_step(subscription_id: int, now: datetime) -> DunningStep:
    subscription, _payment = lock_billing(subscription_id=subscription_id)  # (the one lock order)
    if subscription is None or subscription.status != Subscription.Status.SUSPENDED:  # settled meanwhile
        return DunningStep.NOTHING
    schedule = dunning_schedule(subscription=subscription)
    due = sum(1 for moment in schedule.reminders if now >= moment)
    if now < schedule.ends_at and due <= subscription.dunning_reminders:
        return DunningStep.NOTHING
    paying = subscription.payments.filter(
        arrears_of__isnull=False, status__in=[Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED]
    )
    if paying.exists():  # the customer is paying right now (minutes): the next run decides
        return DunningStep.WAITING
    if now >= schedule.ends_at:
        subscription_cancel_now(subscription=subscription, system=System.BILLING, reason=EndReason.UNPAID)
        _dunning_mail(subscription, "subscription_ended")  # (the row keeps the dunning fields as history)
        return DunningStep.ENDED
    old = subscription.dunning_reminders
    subscription.dunning_reminders = due
    subscription.save(update_fields=["dunning_reminders"])
    record(
        Action.SUBSCRIPTION_PAYMENT_REMINDER,
        system=System.BILLING,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"dunning_reminders": [old, due]},
    )
    _dunning_mail(subscription, "payment_reminder", last=due == len(DUNNING_REMINDER_DAYS))
    return DunningStep.REMINDED


@transaction.atomic
def charges_stopped(subscription: Subscription, link: MollieSubscription, remote_status: str) -> int:
    """Mollie no longer charges this subscription (suspended after the mandate was revoked,
    or cancelled or completed at Mollie's side): the period that was due is recorded as an
    automatic payment that could not be made, and dunning starts as for a failed charge
    (mail, "Nu betalen" with a new mandate, reminders, the end on day 14). The Mollie
    subscription is written off here; paying the arrears schedules a new one."""
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.ACTIVE or subscription.cancel_at_period_end:
        return 0
    link = MollieSubscription.objects.select_for_update().get(pk=link.pk)
    if link.canceled_at is not None:
        return 0
    link.canceled_at = current_time()
    link.save(update_fields=["canceled_at"])
    record(
        Action.SUBSCRIPTION_UNSCHEDULED,
        system=System.MOLLIE,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"mollie_subscription": [link.mollie_id, None], "mollie_status": [None, remote_status]},
    )
    payment = Payment.objects.create(
        user=subscription.user,
        subscription=subscription,
        sequence_type=Payment.Sequence.RECURRING,
        status=Payment.Status.FAILED,
        amount=subscription.amount_gross,
        charge_date=subscription.current_period_end,
    )
    record(
        Action.PAYMENT_FAILED,
        system=System.MOLLIE,
        subject_id=subscription.user_id,
        target=payment,
        changes={"status": [None, Payment.Status.FAILED], "reason": [None, f"Mollie subscription {remote_status}"]},
    )
    past_due_start(subscription, payment, amount=payment.amount, cause=PastDueCause.MANDATE)
    return 1
