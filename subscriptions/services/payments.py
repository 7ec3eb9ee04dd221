"""Applying what Mollie says about a payment.

Webhooks, the return page and reconciliation all end in :func:`payment_apply`, which is
idempotent: statuses only move forward, amounts refunded / charged back only grow, a
payment id is recorded once (unique), an invoice is issued once per paid payment. A paid
first payment activates the subscription, a paid charge renews it, a paid "Nu betalen"
payment ends dunning; a failed or charged-back charge starts dunning."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import euro
from subscriptions import mollie
from subscriptions.enums import PastDueCause, System
from subscriptions.models import Invoice, MollieSubscription, Payment, Subscription
from subscriptions.selectors import overdue_period
from subscriptions.services.base import BillingError, add_interval, current_time, lock_payment, lock_subscription
from subscriptions.services.documents import credit_note_issue, invoice_issue
from subscriptions.services.dunning import past_due_clear, past_due_start
from subscriptions.services.followup import push_later
from subscriptions.services.payment_method import verification_settled
from subscriptions.services.plan_change import proration_settled, scheduled_apply

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    payment: Payment | None
    changed: bool = False
    notes: list[str] = field(default_factory=list)


def payment_sync(*, mollie_id: str) -> Payment | None:
    """Fetch the payment from Mollie and apply it (webhook task, return page, reconcile)."""
    try:
        remote = mollie.payment_get(mollie_id)
    except mollie.MollieNotFound:
        logger.info("Mollie does not know payment %s; ignored", mollie_id)
        return None
    return payment_apply(remote=remote)


def payment_apply(*, remote: mollie.RemotePayment) -> Payment | None:
    return apply_remote_payment(remote).payment


@transaction.atomic
def apply_remote_payment(remote: mollie.RemotePayment) -> Outcome:
    """Apply the payment as Mollie has it (the payment row locked); what changed."""
    payment = lock_payment(mollie_id=remote.id)
    changed = False
    if payment is None:
        payment, changed = _adopt(remote)
        if payment is None:
            return Outcome(None)
    charged_back = payment.amount_charged_back
    old_status = payment.status
    if remote.status in Payment.RANK and Payment.RANK[remote.status] > Payment.RANK[old_status]:
        if remote.status == Payment.Status.PAID and not remote.is_paid:
            logger.warning("Payment %s says paid without paidAt; not applied", remote.id)
        else:
            _change_status(payment, remote, old_status)
            changed = True
    changed |= _apply_amounts(payment, remote)
    # A charged-back charge (automatic, or the first payment that started the subscription)
    # leaves its period unpaid: dunning asks for it again. A "Nu betalen" payment charged
    # back is recorded only (staff follow it up).
    if (
        payment.amount_charged_back > charged_back
        and payment.arrears_of_id is None
        and payment.purpose == Payment.Purpose.PERIOD
        and payment.status == Payment.Status.PAID
    ):
        past_due_start(
            payment.subscription,
            payment,
            amount=payment.amount_charged_back - charged_back,
            cause=PastDueCause.CHARGEBACK,
        )
    if remote.checkout_url and payment.checkout_url != remote.checkout_url and payment.status == Payment.Status.OPEN:
        payment.checkout_url = remote.checkout_url
        payment.save(update_fields=["checkout_url", "updated_at"])
    return Outcome(payment, changed)


def _adopt(remote: mollie.RemotePayment) -> tuple[Payment | None, bool]:
    """A payment id we have not recorded yet: a first payment whose create answer we are
    seeing now, or a recurring payment of one of our subscriptions."""
    ours = remote.metadata.get("payment")
    # (a pro-rata charge of a plan change is a recurring payment of ours without a Mollie
    # subscription: adopted by its metadata too)
    if isinstance(ours, int) and (remote.sequence_type == "first" or not remote.subscription_id):
        payment = lock_payment(
            pk=ours,
            mollie_id__isnull=True,
            sequence_type=remote.sequence_type,
            purpose__in=[Payment.Purpose.PERIOD, Payment.Purpose.MANDATE]
            if remote.sequence_type == "first"
            else [Payment.Purpose.PRORATION],
        )
        if payment is None:
            return None, False
        customer_id = payment.subscription.customer.mollie_id
        if remote.customer_id != customer_id:
            logger.warning("Payment %s claims our payment %s but belongs to %s", remote.id, ours, remote.customer_id)
            return None, False
        payment.mollie_id = remote.id
        payment.save(update_fields=["mollie_id", "updated_at"])
        record(
            Action.PAYMENT_STATUS_CHANGED,
            system=System.MOLLIE,
            subject_id=payment.user_id,
            target=payment,
            changes={"mollie_id": [None, remote.id]},
        )
        return payment, True
    if remote.subscription_id:
        link = MollieSubscription.objects.filter(mollie_id=remote.subscription_id).first()
        if link is None:
            logger.info("Payment %s belongs to unknown subscription %s; ignored", remote.id, remote.subscription_id)
            return None, False
        subscription = lock_subscription(Subscription(pk=link.subscription_id))
        # Another delivery of the same id may have recorded it while we waited for the lock.
        payment = lock_payment(mollie_id=remote.id)
        if payment is not None:
            return payment, False
        charge_date = timezone.localdate(remote.created_at) if remote.created_at else timezone.localdate()
        payment = Payment.objects.create(
            user=subscription.user,
            subscription=subscription,
            mollie_id=remote.id,
            sequence_type=Payment.Sequence.RECURRING,
            status=Payment.Status.OPEN,
            amount=remote.amount,
            charge_date=charge_date,
        )
        record(
            Action.PAYMENT_CREATED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=payment,
            changes={
                "mollie_id": [None, remote.id],
                "amount": [None, str(remote.amount)],
                "sequence_type": [None, "recurring"],
            },
        )
        return payment, True
    logger.info("Payment %s is not ours; ignored", remote.id)
    return None, False


def _change_status(payment: Payment, remote: mollie.RemotePayment, old_status: str) -> None:
    # Every caller locked the payment together with its subscription (lock_payment) or,
    # for a recurring payment just recorded, the subscription itself.
    subscription = payment.subscription
    payment.status = remote.status
    update = ["status", "updated_at"]
    changes: dict[str, list] = {"status": [old_status, remote.status]}
    if remote.status == Payment.Status.PAID:
        payment.paid_at = remote.paid_at
        update.append("paid_at")
    # Paid after its subscription ended (docs/billing.md, "Late payments"): it pays for no
    # period we deliver. Decided by the order in which we learn it (the subscription row is
    # locked), never by comparing Mollie's paidAt, which is whole seconds, with our ended_at.
    late = (
        remote.status == Payment.Status.PAID
        and payment.purpose == Payment.Purpose.PERIOD
        and not subscription.is_live
        and not payment.late_refund
    )
    if late:
        payment.late_refund = Payment.LateRefund.DUE
        update.append("late_refund")
        changes["late_refund"] = [None, Payment.LateRefund.DUE]
    if payment.is_final:
        payment.checkout_url = ""
        update.append("checkout_url")
    payment.save(update_fields=update)
    action = {
        Payment.Status.PAID: Action.PAYMENT_PAID,
        Payment.Status.FAILED: Action.PAYMENT_FAILED,
    }.get(remote.status, Action.PAYMENT_STATUS_CHANGED)
    record(action, system=System.MOLLIE, subject_id=payment.user_id, target=payment, changes=changes)
    if late:
        # No invoice (nothing is supplied), no activation or renewal; the hourly job asks
        # Mollie for the refund until Mollie accepts it (closure.late_charges_refund).
        logger.warning(
            "Payment %s paid for subscription %s in status %s: refunded in full",
            payment.mollie_id,
            subscription.pk,
            subscription.status,
        )
        return
    if payment.is_final and payment.purpose == Payment.Purpose.PRORATION:
        proration_settled(subscription, payment)  # (invoiced there, for its own period)
    elif payment.is_final and payment.purpose == Payment.Purpose.MANDATE:
        verification_settled(subscription, payment, remote)  # (no invoice: the cent is refunded)
    elif payment.status == Payment.Status.PAID:
        if payment.sequence_type == Payment.Sequence.FIRST and payment.arrears_of_id:
            period_start = _arrears_paid(subscription, payment, remote)
        elif payment.sequence_type == Payment.Sequence.FIRST:
            period_start = _activate(subscription, payment, remote)
        else:
            period_start = _renew(subscription, payment)
        if period_start is not None:
            invoice_issue(payment, subscription, period_start)
    elif (
        payment.is_final
        and payment.sequence_type == Payment.Sequence.FIRST
        and subscription.status == Subscription.Status.PENDING
    ):
        subscription.status = Subscription.Status.FAILED
        subscription.ended_at = current_time()  # never started: the seven years of its billing rows run from now
        subscription.save(update_fields=["status", "ended_at"])
        record(
            Action.SUBSCRIPTION_NOT_STARTED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "status": [Subscription.Status.PENDING, Subscription.Status.FAILED],
                "payment_status": [None, payment.status],
                "ended_at": [None, subscription.ended_at.isoformat()],
            },
        )
    elif payment.is_final and payment.sequence_type == Payment.Sequence.RECURRING:
        past_due_start(subscription, payment, amount=payment.amount, cause=PastDueCause.FAILED)


def _activate(subscription: Subscription, payment: Payment, remote: mollie.RemotePayment) -> date:
    """The first payment pays the first period, from the day it was paid."""
    paid_on = timezone.localdate(remote.paid_at)
    if subscription.status != Subscription.Status.PENDING:
        # (An ended subscription never gets here: its payment is a late payment, refunded
        # in full, see _change_status.) Live but no longer pending: recorded and invoiced.
        logger.warning(
            "First payment %s paid for subscription %s in status %s",
            payment.mollie_id,
            subscription.pk,
            subscription.status,
        )
        return paid_on
    subscription.status = Subscription.Status.ACTIVE
    subscription.started_at = remote.paid_at
    subscription.current_period_end = add_interval(paid_on, subscription.plan.interval)
    subscription.mandate_id = remote.mandate_id or ""
    subscription.save(update_fields=["status", "started_at", "current_period_end", "mandate_id"])
    changes = {
        "status": [Subscription.Status.PENDING, Subscription.Status.ACTIVE],
        "current_period_end": [None, subscription.current_period_end.isoformat()],
    }
    if remote.mandate_id:  # the mandate comes with the activation: one event records both
        changes["mandate_id"] = [None, remote.mandate_id]
    record(
        Action.SUBSCRIPTION_ACTIVATED,
        system=System.MOLLIE,
        subject_id=subscription.user_id,
        target=subscription,
        changes=changes,
    )
    push_later(subscription)
    return paid_on


def _period_paid(subscription: Subscription, start: date) -> None:
    """Mollie's money paid the period from ``start``: the paid period lasts at least until
    one interval after it (the caller holds the subscription's lock). It never moves back,
    so charges of different periods applied in any order end at the same date, and a second
    payment for a period already paid does not extend it again."""
    old_end = subscription.current_period_end
    new_end = add_interval(start, subscription.plan.interval)
    if old_end is not None and new_end <= old_end:
        return
    subscription.current_period_end = new_end
    subscription.save(update_fields=["current_period_end"])
    record(
        Action.SUBSCRIPTION_RENEWED,
        system=System.MOLLIE,
        subject_id=subscription.user_id,
        target=subscription,
        changes={
            "current_period_end": [
                old_end.isoformat() if old_end else None,
                subscription.current_period_end.isoformat(),
            ]
        },
    )


def _renew(subscription: Subscription, payment: Payment) -> date:
    """A paid recurring charge pays the period that starts on its charge date (Mollie
    charges on the first day of each period). Each payment is applied once (its status
    moves to paid once) and the period end only moves forward, so duplicate and
    out-of-order deliveries, and reconciliation reading Mollie's newest-first lists, all end
    at the same date."""
    charge_date = payment.charge_date or timezone.localdate(payment.paid_at)
    old_end = subscription.current_period_end
    start = charge_date
    if subscription.status not in Subscription.CHARGED:
        # (Paid after the subscription ended: a late payment, refunded in full without an
        # invoice, see _change_status; only a still pending one gets here.)
        logger.warning(
            "Recurring payment %s paid for subscription %s in status %s",
            payment.mollie_id,
            subscription.pk,
            subscription.status,
        )
        return start
    past_due = subscription.status == Subscription.Status.SUSPENDED
    if past_due and old_end and overdue_period(subscription):
        start = old_end  # Mollie's retry of the failed charge pays the overdue period
    # A plan change scheduled for this period: the charge is already at the new amount
    # (Mollie's subscription was updated when it was scheduled); the invoice names the new plan.
    scheduled_apply(subscription, on=start)
    _period_paid(subscription, start)
    if past_due:  # a later automatic charge that succeeds ends dunning too
        past_due_clear(subscription, system=System.MOLLIE, changes={"paid_by": [None, payment.mollie_id]})
    return start


def _apply_amounts(payment: Payment, remote: mollie.RemotePayment) -> bool:
    """Refunds and chargebacks leave the status at paid: Mollie's amount fields tell."""
    changed = False
    for field_name, remote_value, action in (
        ("amount_refunded", remote.amount_refunded, Action.PAYMENT_REFUNDED),
        ("amount_charged_back", remote.amount_charged_back, Action.PAYMENT_CHARGED_BACK),
    ):
        current = getattr(payment, field_name)
        if remote_value < current:  # e.g. a refund Mollie could not carry out: staff must look
            logger.warning(
                "Payment %s: Mollie reports %s %s, lower than the %s recorded; kept, needs staff",
                payment.mollie_id,
                field_name,
                remote_value,
                current,
            )
        if remote_value > current:  # only ever grows: a stale read cannot undo a refund
            setattr(payment, field_name, remote_value)
            payment.save(update_fields=[field_name, "updated_at"])
            record(
                action,
                system=System.MOLLIE,
                subject_id=payment.user_id,
                target=payment,
                changes={field_name: [str(current), str(remote_value)]},
            )
            # (a chargeback is no credit note; nor is the refunded payment-method check, nor
            # a payment paid after its subscription ended: neither has an invoice)
            if (
                field_name == "amount_refunded"
                and payment.purpose != Payment.Purpose.MANDATE
                and not payment.late_refund
            ):
                credit_note_issue(payment, current, remote_value)
            changed = True
    if (
        payment.late_refund in (Payment.LateRefund.DUE, Payment.LateRefund.ASKED)
        and payment.amount_refunded + payment.amount_charged_back >= payment.amount
    ):
        old_state = payment.late_refund
        payment.late_refund = Payment.LateRefund.REFUNDED
        payment.save(update_fields=["late_refund", "updated_at"])
        record(
            Action.PAYMENT_REFUNDED,
            system=System.MOLLIE,
            subject_id=payment.user_id,
            target=payment,
            changes={"late_refund": [old_state, Payment.LateRefund.REFUNDED]},
        )
        changed = True
    return changed


def _arrears_paid(subscription: Subscription, payment: Payment, remote: mollie.RemotePayment) -> date | None:
    """A "Nu betalen" payment was paid: the overdue period counts as paid (the period end
    moves on one interval, as a paid charge does), dunning ends, and the new mandate is
    ours from now on (pushed to Mollie's subscription after commit). Returns the start of
    the period the invoice is for, or None when the payment settles an invoice that exists
    already (a charged-back charge: its invoice stands, one supply gets one invoice)."""
    paid_on = timezone.localdate(remote.paid_at)
    if subscription.status not in Subscription.CHARGED:
        # (Ended meanwhile: a late payment, see _change_status; only a pending one gets here.)
        logger.warning(
            "Arrears payment %s paid for subscription %s in status %s",
            payment.mollie_id,
            subscription.pk,
            subscription.status,
        )
        return paid_on
    past_due = subscription.status == Subscription.Status.SUSPENDED
    old_end = subscription.current_period_end
    period_start = old_end or paid_on
    unpaid_period = not past_due or overdue_period(subscription)
    if unpaid_period:
        # The overdue period (or, when a retry of Mollie's settled it first, the next one).
        _period_paid(subscription, period_start)
    changes: dict = {"paid_by": [None, payment.mollie_id]}
    if not unpaid_period:
        # A charged-back charge: its period was counted and invoiced already; this payment
        # settles that invoice instead of getting one of its own.
        invoice = (
            Invoice.objects.filter(payment_id=subscription.dunning_payment_id).only("number", "period_start").first()
        )
        if invoice is not None:
            changes["settles_invoice"] = [None, invoice.number]
            period_start = None
        else:
            period_start = paid_on
    if remote.mandate_id and remote.mandate_id != subscription.mandate_id:
        link = subscription.active_remote()
        if link is not None and not link.mandate_id:  # remember what Mollie charges now
            link.mandate_id = subscription.mandate_id
            link.save(update_fields=["mandate_id"])
        changes["mandate_id"] = [subscription.mandate_id, remote.mandate_id]
        subscription.mandate_id = remote.mandate_id
        subscription.save(update_fields=["mandate_id"])
        push_later(subscription)
    if past_due:
        past_due_clear(subscription, system=System.MOLLIE, changes=changes)
    elif "mandate_id" in changes:
        record(
            Action.MANDATE_CHANGED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes=changes,
        )
    return period_start


# --- written off, refunded -------------------------------------------------------------------


@transaction.atomic
def payment_abandon(*, payment: Payment) -> int:
    """A first payment that never reached Mollie (and never will): close it so the
    customer can start again."""
    payment = lock_payment(pk=payment.pk)
    if payment.status != Payment.Status.CREATED or payment.mollie_id:
        return 0
    fake = mollie.RemotePayment(
        id="",
        status=Payment.Status.CANCELED,
        amount=payment.amount,
        amount_refunded=Decimal("0"),
        amount_charged_back=Decimal("0"),
        sequence_type="first",
        customer_id=None,
        mandate_id=None,
        subscription_id=None,
        paid_at=None,
        created_at=None,
        checkout_url="",
        metadata={},
    )
    _change_status(payment, fake, Payment.Status.CREATED)
    return 1


def payment_refund(*, payment: Payment, by, amount: Decimal | None = None) -> Decimal:
    """Staff refund (all that is left, or ``amount``) at Mollie. The idempotency key comes
    from what we know was refunded so far: a second click before Mollie's webhook arrives
    repeats the same request instead of refunding twice. The refunded amount itself is
    recorded when Mollie reports it (webhook or reconciliation)."""
    payment = Payment.objects.get(pk=payment.pk)
    remaining = payment.amount - payment.amount_refunded
    amount = remaining if amount is None else amount
    if payment.status != Payment.Status.PAID or not payment.mollie_id:
        raise BillingError(_("Alleen een betaalde betaling kan worden terugbetaald."))
    if amount <= 0 or amount > remaining:
        raise BillingError(
            _("Het bedrag moet tussen %(min)s en %(max)s liggen.")
            % {"min": euro(Decimal("0.01")), "max": euro(remaining)}
        )
    mollie.refund_create(
        payment_id=payment.mollie_id,
        amount=amount,
        description=_("%(product)s: terugbetaling %(payment)s")
        % {"product": settings.PRODUCT_NAME, "payment": payment.mollie_id},
        idempotency_key=f"refund-{payment.pk}-{payment.amount_refunded}",
    )
    with transaction.atomic():
        record(
            Action.PAYMENT_REFUNDED,
            actor=by,
            subject_id=payment.user_id,
            target=payment,
            changes={"refund_requested": [None, str(amount)]},
        )
    return amount
