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

Everything here uses only public names of ``subscriptions.services`` and the models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.events import Action
from audit.models import AuditEvent
from audit.services import record
from subscriptions import mollie
from subscriptions.models import CENT, Invoice, Payment, Subscription
from subscriptions.services import BillingError, payment_refund, subscription_cancel_now

logger = logging.getLogger(__name__)

# ``Subscription.end_reason`` of a subscription ended because its account was closed (the
# same text ``services.cancel_on_account_close`` writes).
ACCOUNT_CLOSED_REASON = "account closed"


@dataclass(frozen=True)
class ClosureOutcome:
    """What closing the account on ``closing_day`` does to the live subscription."""

    subscription: Subscription | None
    closing_day: date
    invoice: Invoice | None = None  # the invoice of the paid period that includes the closing day
    last_invoice: Invoice | None = None
    period_days: int = 0
    unused_days: int = 0
    refund: Decimal = Decimal("0")
    charge_in_progress: bool = False
    arrears: Decimal | None = None

    @property
    def paid_through(self) -> date | None:
        return self.invoice.period_end if self.invoice else None

    def as_context(self) -> dict[str, object]:
        """Plain values for the close page and the closing mail (queued as JSON)."""
        if self.subscription is None:
            return {}
        fmt = "%d-%m-%Y"
        return {
            "plan": self.subscription.plan.name,
            "status": self.subscription.status,
            "ends_on": self.closing_day.strftime(fmt),
            "paid_through": self.paid_through.strftime(fmt) if self.paid_through else "",
            "invoice": self.invoice.number if self.invoice else "",
            "last_invoice": self.last_invoice.number if self.last_invoice else "",
            "period_days": self.period_days,
            "unused_days": self.unused_days,
            "refund": str(self.refund),
            "has_refund": self.refund > 0,
            "charge_in_progress": self.charge_in_progress,
            "arrears": str(self.arrears) if self.arrears else "",
        }


def pro_rata(*, amount: Decimal, period_start: date, period_end: date, closing_day: date) -> tuple[int, int, Decimal]:
    """(days in the period, unused days after ``closing_day``, refund) for a period from
    ``period_start`` to ``period_end`` (both included) that cost ``amount``."""
    period_days = (period_end - period_start).days + 1
    unused = max(0, min(period_days, (period_end - closing_day).days))
    refund = (amount * unused / period_days).quantize(CENT, rounding=ROUND_HALF_UP) if period_days > 0 else Decimal(0)
    return period_days, unused, refund


def closure_outcome(*, user, closing_day: date | None = None) -> ClosureOutcome:
    """What closing ``user``'s account on ``closing_day`` (today) would do. Reads only."""
    closing_day = closing_day or timezone.localdate()
    subscription = (
        Subscription.objects.filter(user=user, status__in=Subscription.LIVE)
        .select_related("plan")
        .order_by("-created_at")
        .first()
    )
    if subscription is None:
        return ClosureOutcome(subscription=None, closing_day=closing_day)
    invoices = Invoice.objects.filter(payment__subscription=subscription).select_related("payment")
    last_invoice = invoices.order_by("-issued_on", "-number").first()
    current = (
        invoices.filter(payment__status=Payment.Status.PAID, period_start__lte=closing_day, period_end__gte=closing_day)
        .order_by("-period_end", "-pk")
        .first()
    )
    charge_in_progress = Payment.objects.filter(subscription=subscription, status__in=Payment.OPEN_STATUSES).exists()
    arrears = subscription.dunning_amount if subscription.status == Subscription.Status.SUSPENDED else None
    if current is None:
        return ClosureOutcome(
            subscription=subscription,
            closing_day=closing_day,
            last_invoice=last_invoice,
            charge_in_progress=charge_in_progress,
            arrears=arrears,
        )
    payment = current.payment
    period_days, unused, refund = pro_rata(
        amount=current.amount_gross,
        period_start=current.period_start,
        period_end=current.period_end,
        closing_day=closing_day,
    )
    refundable = payment.amount - payment.amount_refunded - payment.amount_charged_back
    refund = max(Decimal("0"), min(refund, refundable))
    return ClosureOutcome(
        subscription=subscription,
        closing_day=closing_day,
        invoice=current,
        last_invoice=last_invoice,
        period_days=period_days,
        unused_days=unused,
        refund=refund,
        charge_in_progress=charge_in_progress,
        arrears=arrears,
    )


def settle_on_account_close(*, user, by) -> dict[str, object]:
    """accounts.services.CLOSE_HOOKS (inside the closing transaction, before
    ``cancel_on_account_close``): end the live subscription now, record the settlement and,
    after commit, refund the unused days at Mollie. Returns the outcome for the mail."""
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
        transaction.on_commit(lambda: refund_on_closure.delay(*args))
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


@shared_task(
    autoretry_for=(mollie.MollieUnavailable,),
    retry_backoff=10,
    retry_backoff_max=900,
    max_retries=12,
    ignore_result=True,
)
def refund_on_closure(payment_id: int, amount: str, refunded_before: str, by_id: int | None) -> None:
    """After an account closure commits: refund the unused days of the paid period."""
    refund_unused_days(
        payment_id=payment_id, amount=Decimal(amount), refunded_before=Decimal(refunded_before), by_id=by_id
    )


@shared_task(ignore_result=True)
def refund_late_charges() -> int:
    """Hourly (beat): late charges of closed accounts are refunded in full."""
    return late_charges_refund()
