"""Reconciliation: ask Mollie about everything a webhook may have missed and apply it with
the webhook's code (``payments.apply_remote_payment``). The run is a fixed list of named
steps (:data:`STEPS`), each catching up one kind of loss; a second run right after the
first changes nothing. Mollie errors are collected in the report (the next run asks again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from subscriptions import mollie
from subscriptions.models import MollieSubscription, Payment, Subscription
from subscriptions.services.base import current_time
from subscriptions.services.cancellation import subscriptions_end_due
from subscriptions.services.dunning import charges_stopped
from subscriptions.services.erasure import mollie_customers_delete
from subscriptions.services.mollie_sync import subscription_push
from subscriptions.services.payments import apply_remote_payment, payment_abandon
from subscriptions.services.self_service import self_service_repair

# A first payment whose create answer never reached us is looked for at Mollie after this
# long, and given up (closed, so the customer can start again) after the second.
LOST_CREATE_GRACE = timedelta(minutes=5)
LOST_CREATE_GIVE_UP = timedelta(hours=2)
# How long after payment a refund or chargeback of a first payment is still looked for when
# its webhook was lost (card chargebacks come up to about 120 days later). Recurring
# payments are covered by the subscription payment lists.
REFUND_WATCH = timedelta(days=120)
# Days after the end of a paid period without a charge before reconciliation asks Mollie
# whether it still charges the subscription at all.
NO_CHARGE_GRACE = timedelta(days=2)


@dataclass
class ReconcileReport:
    payments_checked: int = 0
    payments_changed: int = 0
    subscription_payments_changed: int = 0
    lost_creates_found: int = 0
    lost_creates_abandoned: int = 0
    mollie_subscriptions_changed: int = 0
    subscriptions_ended: int = 0
    first_payment_amounts_changed: int = 0
    stopped_by_mollie: int = 0
    mollie_customers_deleted: int = 0
    self_service_changed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (
            self.payments_changed
            + self.subscription_payments_changed
            + self.lost_creates_found
            + self.lost_creates_abandoned
            + self.mollie_subscriptions_changed
            + self.subscriptions_ended
            + self.first_payment_amounts_changed
            + self.stopped_by_mollie
            + self.mollie_customers_deleted
            + self.self_service_changed
        )


def reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """Run every step in order (see :data:`STEPS`)."""
    now = now or current_time()
    report = ReconcileReport()
    for step in STEPS:
        step(report, now)
    return report


def _open_payments(report: ReconcileReport, now: datetime) -> None:
    """Payments still open, pending or authorized: their final status may have come
    without its webhook."""
    for mollie_id in Payment.objects.filter(
        status__in=[Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED], mollie_id__isnull=False
    ).values_list("mollie_id", flat=True):
        report.payments_checked += 1
        remote = _fetch(mollie_id, report)
        if remote is not None:
            report.payments_changed += apply_remote_payment(remote).changed


def _lost_creates(report: ReconcileReport, now: datetime) -> None:
    """First payments whose create answer never reached us: found at Mollie by their
    metadata, or given up after a while."""
    lost = Payment.objects.filter(
        status=Payment.Status.CREATED, mollie_id__isnull=True, created_at__lte=now - LOST_CREATE_GRACE
    ).select_related("subscription__customer")
    for payment in lost:
        customer_id = payment.subscription.customer.mollie_id
        try:
            found = (
                [p for p in mollie.customer_payments(customer_id) if p.metadata.get("payment") == payment.pk]
                if customer_id
                else []
            )
        except mollie.MollieError as exc:
            report.errors.append(str(exc))
            continue
        if found:
            report.lost_creates_found += apply_remote_payment(found[0]).changed
        elif payment.created_at <= now - LOST_CREATE_GIVE_UP:
            report.lost_creates_abandoned += payment_abandon(payment=payment)


def _subscription_charges(report: ReconcileReport, now: datetime) -> None:
    """Payments of our subscriptions at Mollie that we have not seen (or not seen final).
    Live subscriptions, and ended ones for as long as a refund or chargeback of their last
    charges can still come (the same watch as for first payments): the work of a run does
    not grow with every subscription that ever ended."""
    links = MollieSubscription.objects.filter(
        Q(subscription__status__in=Subscription.LIVE)
        | Q(
            subscription__status__in=[Subscription.Status.ENDED, Subscription.Status.CANCELED],
            subscription__ended_at__gte=now - REFUND_WATCH,
        )
    ).select_related("subscription__customer")
    recurring = Payment.objects.filter(
        sequence_type=Payment.Sequence.RECURRING, subscription__remote_subscriptions__in=links
    )
    known, amounts = {}, {}
    for mollie_id, status, refunded, charged_back in recurring.values_list(
        "mollie_id", "status", "amount_refunded", "amount_charged_back"
    ):
        known[mollie_id], amounts[mollie_id] = status, (refunded, charged_back)
    for link in links:
        customer_id = link.subscription.customer.mollie_id
        try:
            remote_payments = mollie.subscription_payments(customer_id=customer_id, subscription_id=link.mollie_id)
        except mollie.MollieNotFound:
            continue
        except mollie.MollieError as exc:
            report.errors.append(str(exc))
            continue
        # Oldest first (Mollie lists newest first), so invoice numbers follow the periods.
        for remote in sorted(remote_payments, key=lambda p: p.created_at or now):
            status = known.get(remote.id)
            if status is not None and status == remote.status and status in Payment.FINAL_STATUSES:
                refunded, charged_back = amounts[remote.id]
                if refunded >= remote.amount_refunded and charged_back >= remote.amount_charged_back:
                    continue
            report.subscription_payments_changed += apply_remote_payment(remote).changed


def _mollie_subscriptions(report: ReconcileReport, now: datetime) -> None:
    """Mollie subscriptions that should be gone, that still charge an old mandate after
    "Nu betalen", or that should exist: a lost push is pushed again."""
    # "Has a live link" is an EXISTS: a filter on ``remote_subscriptions__canceled_at__isnull``
    # would be a LEFT JOIN that also matches the subscriptions with no link at all, and
    # excluding it would drop exactly those whose first push was lost.
    live_link = MollieSubscription.objects.filter(subscription=OuterRef("pk"), canceled_at__isnull=True)
    should_be_gone = Subscription.objects.filter(Exists(live_link)).exclude(
        status__in=Subscription.CHARGED, cancel_at_period_end=False
    )
    for subscription in should_be_gone:
        report.mollie_subscriptions_changed += _push_safely(subscription, report)
    stale_mandates = (
        MollieSubscription.objects.filter(canceled_at__isnull=True, subscription__status__in=Subscription.CHARGED)
        .exclude(mandate_id="")
        .exclude(mandate_id=F("subscription__mandate_id"))
        .values_list("subscription_id", flat=True)
    )
    for subscription in Subscription.objects.filter(pk__in=list(stale_mandates)):
        report.mollie_subscriptions_changed += _push_safely(subscription, report)
    missing = Subscription.objects.filter(status=Subscription.Status.ACTIVE, cancel_at_period_end=False).exclude(
        Exists(live_link)
    )
    for subscription in missing:
        report.mollie_subscriptions_changed += _push_safely(subscription, report)


def _ended_periods(report: ReconcileReport, now: datetime) -> None:
    """Periods that ran out after a cancellation."""
    report.subscriptions_ended = subscriptions_end_due(now=now)


def _charges_stopped_at_mollie(report: ReconcileReport, now: datetime) -> None:
    """Active subscriptions whose period is over without a charge: Mollie may have stopped
    charging (the customer revoked the mandate: Mollie suspends its subscription and sends
    no webhook, as nothing was charged). Dunning starts as for a failed charge."""
    today_minus = timezone.localdate(now) - NO_CHARGE_GRACE
    stale = (
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            cancel_at_period_end=False,
            current_period_end__lte=today_minus,
        )
        .filter(Exists(MollieSubscription.objects.filter(subscription=OuterRef("pk"), canceled_at__isnull=True)))
        .exclude(
            Exists(
                Payment.objects.filter(
                    subscription=OuterRef("pk"),
                    sequence_type=Payment.Sequence.RECURRING,
                    charge_date__gte=OuterRef("current_period_end"),
                )
            )
        )
        .select_related("customer")
    )
    for subscription in stale:
        link = subscription.active_remote()
        try:
            remote = mollie.subscription_get(
                customer_id=subscription.customer.mollie_id, subscription_id=link.mollie_id
            )
        except mollie.MollieError as exc:
            report.errors.append(str(exc))
            continue
        if remote.status not in ("active", "pending"):
            report.stopped_by_mollie += charges_stopped(subscription, link, remote.status)


def _first_payment_refunds(report: ReconcileReport, now: datetime) -> None:
    """Refunds and chargebacks of paid first payments (their webhook may be lost too)."""
    watched = Payment.objects.filter(
        sequence_type=Payment.Sequence.FIRST,
        status=Payment.Status.PAID,
        paid_at__gte=now - REFUND_WATCH,
        mollie_id__isnull=False,
    ).values_list("mollie_id", "amount_refunded", "amount_charged_back")
    for mollie_id, refunded, charged_back in watched:
        remote = _fetch(mollie_id, report)
        if remote is not None and (remote.amount_refunded > refunded or remote.amount_charged_back > charged_back):
            report.first_payment_amounts_changed += apply_remote_payment(remote).changed


def _erased_customers(report: ReconcileReport, now: datetime) -> None:
    """Customers of erased accounts still at Mollie (every retry of the task after the
    erasure failed, or the task was lost)."""
    try:
        report.mollie_customers_deleted += mollie_customers_delete().deleted
    except mollie.MollieError as exc:
        report.errors.append(str(exc))


def _self_service(report: ReconcileReport, now: datetime) -> None:
    """Plan changes due or not yet at Mollie, pro-rata charges not yet made, payment-method
    changes not finished (see ``self_service``)."""
    done = self_service_repair()
    report.self_service_changed += done["applied"] + done["mollie_updated"] + done["mandates"]


STEPS: tuple[Callable[[ReconcileReport, datetime], None], ...] = (
    _open_payments,
    _lost_creates,
    _subscription_charges,
    _mollie_subscriptions,
    _ended_periods,
    _charges_stopped_at_mollie,
    _first_payment_refunds,
    _erased_customers,
    _self_service,
)


def _fetch(mollie_id: str, report: ReconcileReport) -> mollie.RemotePayment | None:
    """The payment as Mollie has it now (None if Mollie does not know it or could not
    answer; the error is in the report and the next run asks again)."""
    try:
        return mollie.payment_get(mollie_id)
    except mollie.MollieNotFound:
        return None
    except mollie.MollieError as exc:
        report.errors.append(str(exc))
        return None


def _push_safely(subscription: Subscription, report: ReconcileReport) -> int:
    try:
        return int(subscription_push(subscription_id=subscription.pk))
    except mollie.MollieError as exc:
        report.errors.append(str(exc))
        return 0
