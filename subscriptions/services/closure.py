"""Closing an account with a live subscription: what happens to the service and the money.

The rule (docs/billing.md, "Closure and refunds"):

* Closing the account ends the subscription **at once** (the service stops with the login).
* The **unused whole days** of the paid period are refunded pro rata: the period's invoice
  amount (incl. VAT) x days left after the closing day / days in the period, rounded to the
  cent (half up), never more than what is still refundable on that payment. The closing day
  itself counts as used. So closing on the last day of a paid period refunds nothing, and
  closing on the first day of a period just paid refunds all but that one day.
* The refund goes through Mollie (``services.payment_refund``) after the closure commits; the
  credit note follows when Mollie reports the refund (webhook or reconciliation).
* No new charge is made. A charge Mollie had already started, and a first payment still
  open, are refunded in full if they are paid after the closure (:func:`late_charges_refund`,
  hourly); arrears of a past-due subscription are no longer collected.

The reads (:class:`ClosureOutcome`, :func:`closure_outcome`) are in ``subscriptions.selectors``.
Closing the account runs :func:`billing_on_account_close` as the billing step of the
declared closing sequence (``settings.ACCOUNT_CLOSE_STEPS``, docs/architecture.md).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from audit.events import Action
from audit.models import AuditEvent
from audit.services import record
from core.on_commit import after_commit
from subscriptions import mollie
from subscriptions.enums import EndReason
from subscriptions.models import Payment, Subscription
from subscriptions.selectors import ClosureOutcome, closure_outcome, pro_rata  # noqa: F401  (re-exported reads)
from subscriptions.services.base import BillingError
from subscriptions.services.cancellation import subscription_cancel_now
from subscriptions.services.payments import payment_refund

logger = logging.getLogger(__name__)

# ``Subscription.end_reason`` of a subscription ended because its account was closed.
ACCOUNT_CLOSED_REASON = EndReason.ACCOUNT_CLOSED
# The tasks' registered names (subscriptions.tasks), kept from this module's first home:
# queued messages and the beat schedule carry them.
REFUND_ON_CLOSURE = "subscriptions.closure.refund_on_closure"
REFUND_LATE_CHARGES = "subscriptions.closure.refund_late_charges"


def billing_on_account_close(closure) -> None:
    """The billing step of closing an account (``settings.ACCOUNT_CLOSE_STEPS``, inside the
    closing transaction): the live subscription is settled (:func:`settle_on_account_close`)
    and any other live subscription ends at once, its charges stopped at Mollie after
    commit. What happened to the subscription and the money goes into the closing mail."""
    closure.mail_facts.update(settle_on_account_close(user=closure.user, by=closure.by))
    for subscription in Subscription.objects.filter(user=closure.user, status__in=Subscription.LIVE):
        subscription_cancel_now(subscription=subscription, by=closure.by, reason=EndReason.ACCOUNT_CLOSED)


def closure_preview(user) -> dict[str, object]:
    """For the close-account page (``settings.ACCOUNT_CLOSE_PREVIEWS``): what closing now
    would do to the subscription and the money, as the closing mail will repeat it."""
    return {"billing": closure_outcome(user=user).as_context()}


def settle_on_account_close(*, user, by) -> dict[str, object]:
    """End the live subscription now, record the settlement and, after commit, refund the
    unused days at Mollie. Returns the outcome for the mail."""
    outcome = closure_outcome(user=user)
    if outcome.subscription is None:
        return {}
    subscription = subscription_cancel_now(subscription=outcome.subscription, by=by, reason=ACCOUNT_CLOSED_REASON)
    changes: dict[str, object] = {"refund": [None, str(outcome.refund)]}
    if outcome.invoice is not None:
        changes.update(
            {
                "invoice": [None, outcome.invoice.number],
                "period": [None, f"{outcome.invoice.period_start}..{outcome.invoice.period_end}"],
                "unused_days": [None, f"{outcome.unused_days}/{outcome.period_days}"],
            }
        )
    record(
        Action.SUBSCRIPTION_CLOSURE_SETTLED,
        actor=by,
        subject_id=user.pk,
        target=subscription,
        changes=changes,
    )
    if outcome.refund > 0:
        payment = outcome.invoice.payment
        args = (payment.pk, str(outcome.refund), str(payment.amount_refunded), by.pk if by else None)
        after_commit(REFUND_ON_CLOSURE, *args)
    return {"billing": outcome.as_context()}


def refund_unused_days(*, payment_id: int, amount: Decimal, refunded_before: Decimal, by_id: int | None) -> bool:
    """Ask Mollie for the closure refund unless it was already made (a retry of this task
    after Mollie accepted it, with the webhook already applied). True if asked now."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.amount_refunded > refunded_before:
        return False
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    amount = min(amount, payment.amount - payment.amount_refunded - payment.amount_charged_back)
    if amount <= 0:
        return False
    try:
        payment_refund(payment=payment, by=by, amount=amount)
    except BillingError as exc:  # e.g. charged back meanwhile: nothing left to refund
        logger.warning("Closure refund of payment %s not made: %s", payment_id, exc)
        return False
    return True


def late_charges_refund() -> int:
    """Payments of subscriptions ended by an account closure that were paid on or after the
    closing moment (a charge Mollie had already started, a first payment still open) and
    are not refunded yet: refund them in full. Returns how many were asked for."""
    late = Payment.objects.filter(
        subscription__end_reason=ACCOUNT_CLOSED_REASON,
        subscription__status=Subscription.Status.CANCELED,
        status=Payment.Status.PAID,
        paid_at__gte=F("subscription__ended_at"),
        amount_refunded=0,
        amount_charged_back=0,
    ).exclude(mollie_id=None)
    asked = 0
    for payment in late:
        already = AuditEvent.objects.filter(
            action=Action.SUBSCRIPTION_CLOSURE_SETTLED, target_type="subscriptions.payment", target_id=str(payment.pk)
        )
        if already.exists():  # asked before; Mollie has not reported it yet
            continue
        with transaction.atomic():
            record(
                Action.SUBSCRIPTION_CLOSURE_SETTLED,
                system="billing",
                subject_id=payment.user_id,
                target=payment,
                changes={"late_charge_refund": [None, str(payment.amount)], "payment": payment.mollie_id},
            )
        try:
            payment_refund(payment=payment, by=None)
        except (BillingError, mollie.MollieError) as exc:
            logger.warning("Late charge %s after closure not refunded: %s", payment.pk, exc)
            continue
        asked += 1
    return asked
