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
  open, are refunded in full if we learn they are paid after the closure (a late payment,
  marked by ``payments._change_status``, refunded by :func:`late_charges_refund`, hourly,
  until Mollie accepts); arrears of a past-due subscription are no longer collected.

The reads (:class:`ClosureOutcome`, :func:`closure_outcome`) are in ``subscriptions.selectors``.
Closing the account runs :func:`billing_on_account_close` as the billing step of the
declared closing sequence (``settings.ACCOUNT_CLOSE_STEPS``, docs/architecture.md).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.on_commit import after_commit
from subscriptions import mollie
from subscriptions.enums import EndReason, System
from subscriptions.models import Payment, Subscription
from subscriptions.selectors import ClosureOutcome, closure_outcome, pro_rata  # noqa: F401  (re-exported reads)
from subscriptions.services.base import BillingError, current_time, lock_billing, lock_payment
from subscriptions.services.cancellation import subscription_cancel_now
from subscriptions.services.payments import apply_remote_payment, payment_refund

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
    unused days at Mollie. Returns the outcome for the mail. The live subscription is locked
    (in the one lock order, ``base.lock_billing``) before the outcome is read, so a webhook
    for the same customer is applied wholly before it (its period is settled here) or
    wholly after it (a late payment, refunded in full)."""
    live = Subscription.objects.filter(user=user, status__in=Subscription.LIVE).values_list("pk", flat=True)
    for subscription_id in sorted(live):
        lock_billing(subscription_id=subscription_id)
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
    """Hourly (and a catch-up job): every payment marked "terug te betalen" (paid after its
    subscription ended, see ``payments._change_status``) is refunded in full at Mollie, and
    asked again on every run until Mollie accepts it. Always with the same idempotency key,
    and only after checking Mollie's payment, so a refund whose answer was lost is never
    asked twice. Payments already asked are looked up at Mollie until it reports the
    refund. Returns how many refunds were asked for (accepted by Mollie) in this run."""
    asked = 0
    for payment in Payment.objects.filter(late_refund=Payment.LateRefund.DUE).exclude(mollie_id=None):
        asked += _late_refund_ask(payment)
    for mollie_id in Payment.objects.filter(late_refund=Payment.LateRefund.ASKED).values_list("mollie_id", flat=True):
        try:
            apply_remote_payment(mollie.payment_get(mollie_id))
        except mollie.MollieError as exc:
            logger.warning("Late refund of payment %s not checked at Mollie: %s", mollie_id, exc)
    return asked


def _late_refund_key(payment: Payment) -> str:
    """The one idempotency key of a payment's late refund (every attempt uses it)."""
    return f"late-refund-{payment.pk}"


def _late_refund_ask(payment: Payment) -> int:
    left = payment.amount - payment.amount_refunded - payment.amount_charged_back
    try:
        remote = mollie.payment_get(payment.mollie_id)
        if left > 0 and remote.amount_refunded <= payment.amount_refunded:
            mollie.refund_create(
                payment_id=payment.mollie_id,
                amount=left,
                description=_("%(product)s: terugbetaling %(payment)s")
                % {"product": settings.PRODUCT_NAME, "payment": payment.mollie_id},
                idempotency_key=_late_refund_key(payment),
            )
        elif left > 0:  # asked before and the answer was lost: Mollie has it; read it
            apply_remote_payment(remote)
    except mollie.MollieError as exc:
        Payment.objects.filter(pk=payment.pk).update(late_refund_attempts=F("late_refund_attempts") + 1)
        logger.warning("Late refund of payment %s not asked now (next run asks again): %s", payment.pk, exc)
        return 0
    with transaction.atomic():
        locked = lock_payment(pk=payment.pk)
        old_state = locked.late_refund
        locked.late_refund_attempts += 1
        if old_state == Payment.LateRefund.DUE:
            locked.late_refund = Payment.LateRefund.ASKED if left > 0 else Payment.LateRefund.REFUNDED
        locked.late_refund_asked_at = current_time()
        locked.save(update_fields=["late_refund", "late_refund_attempts", "late_refund_asked_at", "updated_at"])
        record(
            Action.PAYMENT_REFUNDED,
            system=System.BILLING,
            subject_id=locked.user_id,
            target=locked,
            changes={
                "refund_requested": [None, str(max(left, Decimal("0")))],
                "late_refund": [old_state, locked.late_refund],
                "attempt": [None, locked.late_refund_attempts],
            },
        )
    return 1 if left > 0 else 0
