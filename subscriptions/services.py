"""Every change to plans, subscriptions, payments and invoices.

Each function is keyword-only and atomic where it writes, and records its audit event in
the same transaction. Calls to Mollie happen outside our transactions (a slow Mollie never
holds a lock) and always carry an idempotency key derived from our own rows:
``customer-<MollieCustomer pk>``, ``first-<Payment pk>``, ``sub-<Subscription pk>-<n>``.
Webhooks, the return page and reconciliation all end in :func:`payment_apply`, which is
idempotent: statuses only move forward, amounts refunded / charged back only grow, a
payment id is recorded once (unique), an invoice is issued once per paid payment.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from portal.mail import send_later
from subscriptions import mollie
from subscriptions.models import (
    CENT,
    VAT_RATE,
    CreditNote,
    Invoice,
    InvoiceSequence,
    MollieCustomer,
    MollieSubscription,
    Payment,
    Plan,
    Subscription,
    with_vat,
)

logger = logging.getLogger(__name__)
MOLLIE = "Mollie"
# EU member states other than the Netherlands: a business there with a VAT id is invoiced
# without Dutch VAT ("btw verlegd", reverse charge).
EU_OUTSIDE_NL = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT PL PT RO SE SI SK".split())
LOST_CREATE_GRACE = timedelta(minutes=5)
LOST_CREATE_GIVE_UP = timedelta(hours=2)
# How long after payment a refund or chargeback of a first payment is still looked for when
# its webhook was lost (card chargebacks come up to about 120 days later). Recurring
# payments are covered by the subscription payment lists.
REFUND_WATCH = timedelta(days=120)
# Days after the end of a paid period without a charge before reconciliation asks Mollie
# whether it still charges the subscription at all.
NO_CHARGE_GRACE = timedelta(days=2)
# Dunning (see docs/billing.md): day 0 is the local day the automatic charge failed; each
# boundary is the start (00:00, Europe/Amsterdam) of that day. A reminder on day 3 and on
# day 10; at the start of day 14 an unpaid subscription ends ("betaal vóór" day 14).
DUNNING_REMINDER_DAYS = (3, 10)
DUNNING_END_DAY = 14
DUNNING_END_REASON = "unpaid (dunning)"
# A failed charge dated this long before the paid period's end is an old one whose period
# has been paid since (e.g. Mollie's retry was paid first): it does not start dunning.
STALE_FAILURE = timedelta(days=7)


class BillingError(Exception):
    """Something the customer asked cannot be done; the message says why (in Dutch)."""


class AlreadySubscribed(BillingError):
    def __init__(self, subscription: Subscription) -> None:
        super().__init__(_("U heeft al een abonnement of een lopende aanvraag."))
        self.subscription = subscription


def _now() -> datetime:
    return timezone.now()


def add_interval(start: date, interval: str) -> date:
    return start + (relativedelta(years=1) if interval == Plan.Interval.YEAR else relativedelta(months=1))


def webhook_url() -> str:
    return settings.SITE_URL + "/webhooks/mollie/"


def _language() -> str:
    """The language of the current request, as one of ours (mails sent later use it)."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


# --- VAT and billing details ---------------------------------------------------------------


def _profile(user):
    from accounts.models import Profile

    if user is None:
        return None
    if "profile" in user._state.fields_cache:  # loaded with select_related (None: no profile)
        return user._state.fields_cache["profile"]
    return Profile.objects.filter(user=user).first()


def vat_treatment(*, user) -> tuple[Decimal, bool]:
    """21% Dutch VAT, or 0% reverse charge for a business elsewhere in the EU: a company
    whose VAT id is of the country of its billing address, and that country is not the
    Netherlands (a Dutch VAT id never gets reverse charge, wherever the address is)."""
    profile = _profile(user)
    if profile is not None and profile.vat_id and profile.company_name:
        country = profile.billing_address()["country"]
        vat_country = profile.vat_id.strip().upper()[:2].replace("EL", "GR")  # Greece's VAT ids start with EL
        if country in EU_OUTSIDE_NL and vat_country == country:
            return Decimal("0"), True
    return VAT_RATE, False


# What a Dutch invoice must name of the customer (and a first payment therefore needs).
BILLING_DETAILS = ("name", "street", "postal_code", "city", "country")


def billing_details_missing(*, user) -> list[str]:
    """The parts of the invoice address the customer has not filled in yet (none: ready)."""
    profile = _profile(user)
    if profile is None:
        return list(BILLING_DETAILS)
    address = profile.billing_address()
    return [part for part in BILLING_DETAILS if not (address.get(part) or "").strip()]


def billing_snapshot(*, user) -> dict[str, str]:
    """Name, address, company and VAT id as they are now: copied onto the invoice."""
    if user is None:
        return {}
    profile = _profile(user)
    snapshot = {"email": user.email, "username": user.get_username()}
    if profile is not None:
        snapshot.update(profile.billing_address())
        snapshot.update({"company": profile.company_name, "vat_id": profile.vat_id, "kvk": profile.kvk_number})
        if not snapshot.get("name"):
            snapshot["name"] = profile.full_name or user.get_username()
    else:
        snapshot["name"] = user.get_full_name() or user.get_username()
    return snapshot


# --- subscribing -----------------------------------------------------------------------------


@transaction.atomic
def subscription_start(*, user, plan: Plan) -> Payment:
    """The customer picked a plan: a pending subscription and its first payment (not yet at
    Mollie). Serialised per customer by a row lock; the database refuses a second live
    subscription even if the lock were bypassed."""
    get_user_model().objects.select_for_update().get(pk=user.pk)
    plan = Plan.objects.get(pk=plan.pk)
    if not plan.active:
        raise BillingError(_("Deze abonnementsvorm is niet meer af te sluiten."))
    if billing_details_missing(user=user):
        raise BillingError(_("Vul eerst uw naam en adres in bij Mijn gegevens: die komen op uw factuur."))
    customer, _created = MollieCustomer.objects.get_or_create(user=user)
    live = Subscription.objects.filter(customer=customer, status__in=Subscription.LIVE).first()
    if live is not None:
        raise AlreadySubscribed(live)
    rate, reverse_charge = vat_treatment(user=user)
    gross = with_vat(plan.price, rate)
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                user=user,
                customer=customer,
                plan=plan,
                amount_net=plan.price,
                vat_rate=rate,
                reverse_charge=reverse_charge,
                amount_gross=gross,
                language=_language(),
            )
            payment = Payment.objects.create(
                user=user, subscription=subscription, sequence_type=Payment.Sequence.FIRST, amount=gross
            )
    except IntegrityError:
        live = Subscription.objects.filter(customer=customer, status__in=Subscription.LIVE).first()
        raise AlreadySubscribed(live) from None
    record(
        Action.SUBSCRIPTION_CREATED,
        actor=user,
        subject=user,
        target=subscription,
        changes={"plan": [None, plan.name], "amount_gross": [None, str(gross)], "vat_rate": [None, str(rate)]},
    )
    record(
        Action.PAYMENT_CREATED,
        actor=user,
        subject=user,
        target=payment,
        changes={"amount": [None, str(gross)], "sequence_type": [None, "first"]},
    )
    return payment


def customer_ensure(*, customer: MollieCustomer) -> str:
    """The customer's id at Mollie, created on first use (once per account)."""
    if customer.mollie_id:
        return customer.mollie_id
    user = customer.user
    profile = _profile(user)
    name = (profile.full_name if profile else "") or (user.get_username() if user else "")
    mollie_id = mollie.customer_create(
        name=name,
        email=user.email if user else "",
        user_id=user.pk if user else 0,
        idempotency_key=f"customer-{customer.pk}",
    )
    with transaction.atomic():
        locked = MollieCustomer.objects.select_for_update().get(pk=customer.pk)
        if not locked.mollie_id:
            locked.mollie_id = mollie_id
            locked.save(update_fields=["mollie_id"])
            record(
                Action.MOLLIE_CUSTOMER_CREATED,
                system=MOLLIE,
                subject_id=locked.user_id,
                target=locked,
                changes={"mollie_id": [None, mollie_id]},
            )
        customer.mollie_id = locked.mollie_id
    return customer.mollie_id


def first_payment_checkout(*, payment: Payment) -> str:
    """Create the first payment at Mollie (or find the one created before, through the
    same idempotency key) and return the URL of Mollie's checkout. Raises
    :class:`mollie.MollieUnavailable` when Mollie cannot be reached."""
    payment = Payment.objects.select_related("subscription__customer", "subscription__plan").get(pk=payment.pk)
    if payment.mollie_id:
        return payment.checkout_url if payment.status == Payment.Status.OPEN else ""
    # A first payment starts a subscription, or ("Nu betalen") pays the arrears of one that
    # is past due: either way it gives Mollie a (new) mandate.
    arrears = payment.arrears_of_id is not None
    expected = Subscription.Status.SUSPENDED if arrears else Subscription.Status.PENDING
    if payment.status != Payment.Status.CREATED or payment.subscription.status != expected:
        return ""
    subscription = payment.subscription
    customer_id = customer_ensure(customer=subscription.customer)
    remote = mollie.first_payment_create(
        customer_id=customer_id,
        amount=payment.amount,
        description=(_("%(plan)s: achterstallige betaling") if arrears else _("%(plan)s: eerste termijn"))
        % {"plan": subscription.plan.billing_name},
        redirect_url=settings.SITE_URL + reverse("subscriptions:payment_return", args=[payment.pk]),
        webhook_url=webhook_url(),
        metadata={"payment": payment.pk, "subscription": subscription.pk},
        idempotency_key=payment.idempotency_key,
        language=subscription.language or _language(),
    )
    payment_apply(remote=remote)
    payment.refresh_from_db()
    return payment.checkout_url if payment.status == Payment.Status.OPEN else ""


# --- applying what Mollie says ------------------------------------------------------------


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
    return _apply(remote).payment


def _locked_payment(**filters) -> Payment | None:
    """The payment and its subscription, both row-locked, in one statement (payment, then
    subscription: the order every writer here uses), with the plan, the customer's user and
    profile loaded for the invoice."""
    return (
        Payment.objects.select_for_update(of=("self", "subscription"))
        .select_related("subscription__plan", "user__profile")
        .filter(**filters)
        .first()
    )


@transaction.atomic
def _apply(remote: mollie.RemotePayment) -> Outcome:
    payment = _locked_payment(mollie_id=remote.id)
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
        and payment.status == Payment.Status.PAID
    ):
        _past_due_start(
            payment.subscription, payment, amount=payment.amount_charged_back - charged_back, cause="chargeback"
        )
    if remote.checkout_url and payment.checkout_url != remote.checkout_url and payment.status == Payment.Status.OPEN:
        payment.checkout_url = remote.checkout_url
        payment.save(update_fields=["checkout_url", "updated_at"])
    return Outcome(payment, changed)


def _adopt(remote: mollie.RemotePayment) -> tuple[Payment | None, bool]:
    """A payment id we have not recorded yet: a first payment whose create answer we are
    seeing now, or a recurring payment of one of our subscriptions."""
    ours = remote.metadata.get("payment")
    if isinstance(ours, int) and remote.sequence_type == "first":
        payment = _locked_payment(pk=ours, mollie_id__isnull=True, sequence_type=Payment.Sequence.FIRST)
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
            system=MOLLIE,
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
        subscription = (
            Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=link.subscription_id)
        )
        # Another delivery of the same id may have recorded it while we waited for the lock.
        payment = _locked_payment(mollie_id=remote.id)
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
            system=MOLLIE,
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
    payment.status = remote.status
    update = ["status", "updated_at"]
    if remote.status == Payment.Status.PAID:
        payment.paid_at = remote.paid_at
        update.append("paid_at")
    if payment.is_final:
        payment.checkout_url = ""
        update.append("checkout_url")
    payment.save(update_fields=update)
    action = {
        Payment.Status.PAID: Action.PAYMENT_PAID,
        Payment.Status.FAILED: Action.PAYMENT_FAILED,
    }.get(remote.status, Action.PAYMENT_STATUS_CHANGED)
    record(
        action,
        system=MOLLIE,
        subject_id=payment.user_id,
        target=payment,
        changes={"status": [old_status, remote.status]},
    )
    # Every caller locked the payment together with its subscription (_locked_payment) or,
    # for a recurring payment just recorded, the subscription itself.
    subscription = payment.subscription
    if payment.status == Payment.Status.PAID:
        if payment.sequence_type == Payment.Sequence.FIRST and payment.arrears_of_id:
            period_start = _arrears_paid(subscription, payment, remote)
        elif payment.sequence_type == Payment.Sequence.FIRST:
            period_start = _activate(subscription, payment, remote)
        else:
            period_start = _renew(subscription, payment)
        if period_start is not None:
            _invoice_issue(payment, subscription, period_start)
    elif (
        payment.is_final
        and payment.sequence_type == Payment.Sequence.FIRST
        and subscription.status == Subscription.Status.PENDING
    ):
        subscription.status = Subscription.Status.FAILED
        subscription.ended_at = _now()  # never started: the seven years of its billing rows run from now
        subscription.save(update_fields=["status", "ended_at"])
        record(
            Action.SUBSCRIPTION_NOT_STARTED,
            system=MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "status": [Subscription.Status.PENDING, Subscription.Status.FAILED],
                "payment_status": [None, payment.status],
                "ended_at": [None, subscription.ended_at.isoformat()],
            },
        )
    elif payment.is_final and payment.sequence_type == Payment.Sequence.RECURRING:
        _past_due_start(subscription, payment, amount=payment.amount, cause="failed")


def _activate(subscription: Subscription, payment: Payment, remote: mollie.RemotePayment) -> date:
    """The first payment pays the first period, from the day it was paid."""
    paid_on = timezone.localdate(remote.paid_at)
    if subscription.status != Subscription.Status.PENDING:
        # E.g. the account was closed while the payment was pending: the money is recorded,
        # staff refunds it; the subscription is not revived.
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
        system=MOLLIE,
        subject_id=subscription.user_id,
        target=subscription,
        changes=changes,
    )
    _push_later(subscription)
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
        system=MOLLIE,
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
        # Paid after the subscription ended (e.g. Mollie's retry after dunning ended it, or a
        # charge staff stopped too late): the money is recorded and invoiced, staff refunds;
        # the ended subscription is not revived.
        logger.warning(
            "Recurring payment %s paid for subscription %s in status %s",
            payment.mollie_id,
            subscription.pk,
            subscription.status,
        )
        return start
    past_due = subscription.status == Subscription.Status.SUSPENDED
    if past_due and old_end and _overdue_period(subscription):
        start = old_end  # Mollie's retry of the failed charge pays the overdue period
    _period_paid(subscription, start)
    if past_due:  # a later automatic charge that succeeds ends dunning too
        _past_due_clear(subscription, system=MOLLIE, changes={"paid_by": [None, payment.mollie_id]})
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
                system=MOLLIE,
                subject_id=payment.user_id,
                target=payment,
                changes={field_name: [str(current), str(remote_value)]},
            )
            if field_name == "amount_refunded":  # (a chargeback is no credit note)
                _credit_note_issue(payment, current, remote_value)
            changed = True
    return changed


# --- dunning: a failed automatic charge --------------------------------------------------
#
# Mollie offers no dunning. An automatic charge of an active subscription that fails (or
# expires, or is cancelled), or that is charged back, makes the subscription past due
# (status ``suspended``; the service goes on meanwhile): the customer gets a mail with a
# "Nu betalen" link, reminders on day 3 and day 10, and at the start of day 14 an unpaid
# subscription ends. "Nu betalen" is a first payment (a new mandate, so another method
# may be chosen) for the arrears; when it is paid the overdue period counts as paid, an
# invoice is issued, dunning ends, and Mollie's subscription is moved to the new mandate.


@dataclass(frozen=True)
class DunningSchedule:
    failed_on: date
    reminders: tuple[datetime, ...]
    pay_before: date
    ends_at: datetime


def dunning_schedule(*, subscription: Subscription) -> DunningSchedule | None:
    """The dates of a past-due subscription's dunning (None when it is not past due)."""
    if subscription.dunning_since is None:
        return None
    failed_on = timezone.localdate(subscription.dunning_since)

    def start_of(days: int) -> datetime:
        return timezone.make_aware(datetime.combine(failed_on + timedelta(days=days), time.min))

    return DunningSchedule(
        failed_on=failed_on,
        reminders=tuple(start_of(day) for day in DUNNING_REMINDER_DAYS),
        pay_before=failed_on + timedelta(days=DUNNING_END_DAY),
        ends_at=start_of(DUNNING_END_DAY),
    )


def _overdue_period(subscription: Subscription) -> bool:
    """Past due because a charge failed (its period is unpaid and counts as paid once the
    arrears are), rather than because a paid charge was taken back (its period was
    counted already)."""
    return not Payment.objects.filter(pk=subscription.dunning_payment_id, status=Payment.Status.PAID).exists()


def _dunning_mail(subscription: Subscription, template: str, **extra) -> None:
    user = subscription.user
    if user is None or not user.email:
        return
    schedule = dunning_schedule(subscription=subscription)
    language = subscription.language or settings.LANGUAGE_CODE
    profile = _profile(user)
    with translation.override(language):
        context = {
            "name": (profile.full_name if profile else "") or user.get_username(),
            "plan": subscription.plan.name,
            "amount": formats.number_format(subscription.dunning_amount or subscription.amount_gross, 2),
            "url": settings.SITE_URL + reverse("subscriptions:overview"),
            **extra,
        }
        if schedule is not None:
            context["failed_on"] = formats.date_format(schedule.failed_on, "j F Y")
            context["pay_before"] = formats.date_format(schedule.pay_before, "j F Y")
    send_later(f"subscriptions/email/{template}", to=[user.email], context=context, language=language)


def _past_due_start(subscription: Subscription, payment: Payment, *, amount: Decimal, cause: str) -> None:
    """A charge of this (locked) subscription failed or was charged back: past due."""
    if subscription.status != Subscription.Status.ACTIVE or subscription.cancel_at_period_end:
        # Already past due (a retry failed again: the clock runs on), not running, or
        # ending anyway at the end of its period: the failure is recorded, nothing more.
        return
    if (
        cause == "failed"
        and payment.charge_date
        and subscription.current_period_end
        and (payment.charge_date < subscription.current_period_end - STALE_FAILURE)
    ):
        return  # an old charge whose period has been paid since
    old_status = subscription.status
    subscription.status = Subscription.Status.SUSPENDED
    subscription.dunning_since = _now()
    subscription.dunning_payment = payment
    subscription.dunning_amount = amount
    subscription.dunning_reminders = 0
    subscription.save(
        update_fields=["status", "dunning_since", "dunning_payment", "dunning_amount", "dunning_reminders"]
    )
    schedule = dunning_schedule(subscription=subscription)
    record(
        Action.SUBSCRIPTION_PAST_DUE,
        system=MOLLIE,
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
    _dunning_mail(subscription, "payment_failed", chargeback=cause == "chargeback")


def _past_due_clear(subscription: Subscription, *, actor=None, system: str | None = None, changes: dict) -> None:
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


def _arrears_paid(subscription: Subscription, payment: Payment, remote: mollie.RemotePayment) -> date | None:
    """A "Nu betalen" payment was paid: the overdue period counts as paid (the period end
    moves on one interval, as a paid charge does), dunning ends, and the new mandate is
    ours from now on (pushed to Mollie's subscription after commit). Returns the start of
    the period the invoice is for, or None when the payment settles an invoice that exists
    already (a charged-back charge: its invoice stands, one supply gets one invoice)."""
    paid_on = timezone.localdate(remote.paid_at)
    if subscription.status not in Subscription.CHARGED:
        # Ended meanwhile (e.g. the account was closed): the money is recorded, staff refunds.
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
    unpaid_period = not past_due or _overdue_period(subscription)
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
        _push_later(subscription)
    if past_due:
        _past_due_clear(subscription, system=MOLLIE, changes=changes)
    elif "mandate_id" in changes:
        record(
            Action.MANDATE_CHANGED, system=MOLLIE, subject_id=subscription.user_id, target=subscription, changes=changes
        )
    return period_start


def arrears_payment_start(*, subscription: Subscription, by) -> Payment:
    """ "Nu betalen": the payment for the arrears of a past-due subscription (a first
    payment, so it gives a new mandate; not yet at Mollie). One at a time: an attempt
    that is still open is returned instead of a new one (row lock; the database refuses
    a second open first payment anyway)."""
    waiting = (
        subscription.payments.filter(
            sequence_type=Payment.Sequence.FIRST,
            status__in=[Payment.Status.OPEN, Payment.Status.PENDING],
            mollie_id__isnull=False,
        )
        .values_list("mollie_id", flat=True)
        .first()
    )
    if waiting:  # its checkout may have expired meanwhile: ask Mollie first (no lock held)
        try:
            payment_sync(mollie_id=waiting)
        except mollie.MollieError:
            pass
    return _arrears_payment(subscription=subscription, by=by)


@transaction.atomic
def _arrears_payment(*, subscription: Subscription, by) -> Payment:
    subscription = _locked(subscription)
    if subscription.status != Subscription.Status.SUSPENDED:
        raise BillingError(_("Er staat voor dit abonnement geen betaling open."))
    attempts = subscription.payments.filter(sequence_type=Payment.Sequence.FIRST, status__in=Payment.OPEN_STATUSES)
    current = attempts.first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                user=subscription.user,
                subscription=subscription,
                sequence_type=Payment.Sequence.FIRST,
                amount=subscription.dunning_amount,
                arrears_of_id=subscription.dunning_payment_id,
            )
    except IntegrityError:  # (only if the lock were bypassed)
        return attempts.get()
    record(
        Action.PAYMENT_CREATED,
        actor=by,
        subject_id=subscription.user_id,
        target=payment,
        changes={
            "amount": [None, str(payment.amount)],
            "sequence_type": [None, "first"],
            "arrears_of": [None, payment.arrears_of_id],
        },
    )
    return payment


@transaction.atomic
def past_due_end(*, subscription: Subscription, by, reason: str) -> Subscription:
    """Staff settle the arrears by hand (e.g. paid by bank transfer, or waived): dunning
    ends, the overdue period counts as settled (the period end moves on one interval, as
    a paid charge would), no invoice is issued here. The reason is recorded."""
    subscription = _locked(subscription)
    if subscription.status != Subscription.Status.SUSPENDED:
        raise BillingError(_("Dit abonnement heeft geen achterstallige betaling."))
    reason = reason.strip()[:200]
    if not reason:
        raise BillingError(_("Geef een reden op."))
    changes: dict = {"reason": [None, reason]}
    if _overdue_period(subscription) and subscription.current_period_end:
        old_end = subscription.current_period_end
        subscription.current_period_end = add_interval(old_end, subscription.plan.interval)
        subscription.save(update_fields=["current_period_end"])
        changes["current_period_end"] = [old_end.isoformat(), subscription.current_period_end.isoformat()]
    _past_due_clear(subscription, actor=by, changes=changes)
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
    now = now or _now()
    report = DunningReport()
    for subscription_id in Subscription.objects.filter(status=Subscription.Status.SUSPENDED).values_list(
        "pk", flat=True
    ):
        step = _dunning_step(subscription_id, now)
        if step == "reminded":
            report.reminders_sent += 1
        elif step == "ended":
            report.subscriptions_ended += 1
        elif step == "waiting":
            report.waiting_for_payment += 1
    return report


@transaction.atomic
def _dunning_step(subscription_id: int, now: datetime) -> str:
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("plan")
        .filter(pk=subscription_id, status=Subscription.Status.SUSPENDED)
        .first()
    )
    if subscription is None:  # settled meanwhile
        return ""
    schedule = dunning_schedule(subscription=subscription)
    due = sum(1 for moment in schedule.reminders if now >= moment)
    if now < schedule.ends_at and due <= subscription.dunning_reminders:
        return ""
    paying = subscription.payments.filter(
        arrears_of__isnull=False, status__in=[Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED]
    )
    if paying.exists():  # the customer is paying right now (minutes): the next run decides
        return "waiting"
    if now >= schedule.ends_at:
        subscription_cancel_now(subscription=subscription, system="billing", reason=DUNNING_END_REASON)
        _dunning_mail(subscription, "subscription_ended")  # (the row keeps the dunning fields as history)
        return "ended"
    old = subscription.dunning_reminders
    subscription.dunning_reminders = due
    subscription.save(update_fields=["dunning_reminders"])
    record(
        Action.SUBSCRIPTION_PAYMENT_REMINDER,
        system="billing",
        subject_id=subscription.user_id,
        target=subscription,
        changes={"dunning_reminders": [old, due]},
    )
    _dunning_mail(subscription, "payment_reminder", last=due == len(DUNNING_REMINDER_DAYS))
    return "reminded"


# --- refunds (staff) ----------------------------------------------------------------------


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
        raise BillingError(_("Het bedrag moet tussen € 0,01 en € %(max)s liggen.") % {"max": remaining})
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


# --- invoices ------------------------------------------------------------------------------


def _next_invoice_number(year: int) -> str:
    """Take the year's next number in one statement: the upsert creates the year's row or
    increments it, and keeps that row locked until our transaction ends (a second invoice
    waits; a rollback returns the number, so there are no gaps)."""
    table = connection.ops.quote_name(InvoiceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608  (our own table name)
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{year}-{number:05d}"


def _invoice_issue(payment: Payment, subscription: Subscription, period_start: date) -> Invoice:
    """One invoice per paid payment, numbered without gaps per year (the number is taken
    inside this transaction: a rollback returns it). Called once per payment, when it
    becomes paid (a status changes once); the one-to-one column guards it anyway."""
    issued_on = timezone.localdate()
    period_end = add_interval(period_start, subscription.plan.interval) - timedelta(days=1)
    gross = payment.amount
    rate, reverse_charge = subscription.vat_rate, subscription.reverse_charge
    if payment.user is not None:
        # The VAT treatment on the day of the invoice: a customer that no longer qualifies
        # for reverse charge (moved, or removed the VAT id) gets Dutch VAT within the amount
        # paid, never an invoice that says "btw verlegd" without grounds for it.
        rate, reverse_charge = vat_treatment(user=payment.user)
        if (rate, reverse_charge) != (subscription.vat_rate, subscription.reverse_charge):
            logger.warning(
                "Invoice for payment %s: VAT treatment changed since subscription %s started",
                payment.pk,
                subscription.pk,
            )
    net = (gross * Decimal("100") / (Decimal("100") + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    with translation.override("nl"):  # the invoice is a Dutch document, whoever applied the payment
        description = f"{subscription.plan.billing_name} ({subscription.plan.get_interval_display()})"
    invoice = Invoice.objects.create(
        user=payment.user,
        payment=payment,
        number=_next_invoice_number(issued_on.year),
        issued_on=issued_on,
        description=description,
        period_start=period_start,
        period_end=period_end,
        amount_net=net,
        vat_rate=rate,
        vat_amount=gross - net,
        amount_gross=gross,
        reverse_charge=reverse_charge,
        billing_snapshot=billing_snapshot(user=payment.user),
        seller_snapshot=dict(settings.COMPANY),
    )
    changes = {"number": [None, invoice.number], "amount_gross": [None, str(gross)]}
    if (rate, reverse_charge) != (subscription.vat_rate, subscription.reverse_charge):
        changes["vat_rate"] = [str(subscription.vat_rate), str(rate)]
    record(Action.INVOICE_ISSUED, system=MOLLIE, subject_id=payment.user_id, target=invoice, changes=changes)
    _pdf_later(invoice)
    return invoice


# --- credit notes and the PDFs of invoices and credit notes ---------------------------------


def _net_of(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * Decimal("100") / (Decimal("100") + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _credit_note_issue(payment: Payment, before: Decimal, after: Decimal) -> CreditNote | None:
    """Mollie's refunded amount for ``payment`` grew from ``before`` to ``after``: a credit
    note for the growth, in the same transaction (the payment row is locked by every
    caller, and the growth is applied once; the unique (invoice, refunded_after) guards it
    anyway).

    Amounts are split at the invoice's rate cumulatively: the net of everything credited so
    far is the net of the refunded total (ROUND_HALF_UP, as the invoice itself), and this
    note carries the difference. So a refund in parts adds up to exactly the invoice's net
    and VAT, never a cent more, and the total credited never exceeds the invoice."""
    invoice = Invoice.objects.filter(payment=payment).first()
    if invoice is None:  # refunds only follow paid payments, and every paid one has an invoice
        logger.warning("Refund on payment %s without an invoice; no credit note", payment.pk)
        return None
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(
        gross=Sum("amount_gross"), net=Sum("amount_net"), vat=Sum("vat_amount")
    )
    credited_gross = -(credited["gross"] or Decimal("0"))
    total = min(after, invoice.amount_gross)
    gross = total - credited_gross
    if gross <= 0:
        return None
    if total == invoice.amount_gross:
        total_net = invoice.amount_net
    else:
        total_net = min(_net_of(total, invoice.vat_rate), invoice.amount_net)
    net = total_net + (credited["net"] or Decimal("0"))
    issued_on = timezone.localdate()
    note = CreditNote.objects.create(
        user=invoice.user,
        invoice=invoice,
        number=_next_invoice_number(issued_on.year),
        issued_on=issued_on,
        description=invoice.description,
        refunded_before=before,
        refunded_after=after,
        amount_net=-net,
        vat_rate=invoice.vat_rate,
        vat_amount=-(gross - net),
        amount_gross=-gross,
        reverse_charge=invoice.reverse_charge,
        billing_snapshot=invoice.billing_snapshot,
        seller_snapshot=invoice.seller_snapshot,
    )
    record(
        Action.CREDIT_NOTE_ISSUED,
        system=MOLLIE,
        subject_id=invoice.user_id,
        target=note,
        changes={
            "number": [None, note.number],
            "invoice": [None, invoice.number],
            "amount_gross": [None, str(note.amount_gross)],
        },
    )
    _pdf_later(note)
    return note


def _pdf_later(document: Invoice | CreditNote) -> None:
    """Render the PDF right after the issuing transaction commits, in a task: the webhook's
    transaction (and its row locks) never wait for reportlab. If the task is lost, the
    first download renders it (same service)."""
    from subscriptions.tasks import render_pdf

    kind, pk = document._meta.model_name, document.pk
    transaction.on_commit(lambda: render_pdf.delay(kind, pk), robust=True)


class PdfIntegrityError(Exception):
    """A stored PDF no longer matches the SHA-256 recorded when it was stored."""


PDF_DOCUMENTS = {"invoice": Invoice, "creditnote": CreditNote}


def document_pdf(*, document: Invoice | CreditNote) -> bytes:
    """The PDF of an invoice or credit note: rendered once from the document's own row
    (never from the customer's profile of today), stored with its SHA-256, and from then on
    only served. The SHA-256 is also written into the audit trail when the PDF is stored,
    so a changed file would be noticed (:class:`PdfIntegrityError`)."""
    model = type(document)
    stored, digest = model.objects.filter(pk=document.pk).values_list("pdf", "pdf_sha256").get()
    if stored is None:
        return _document_pdf_store(model, document.pk)
    data = bytes(stored)
    if hashlib.sha256(data).hexdigest() != digest:
        raise PdfIntegrityError(f"{model._meta.label} {document.pk}: the stored PDF does not match its SHA-256")
    return data


@transaction.atomic
def _document_pdf_store(model: type[Invoice] | type[CreditNote], pk: int) -> bytes:
    from subscriptions import invoice_pdf

    related = ("payment",) if model is Invoice else ("invoice__payment",)
    document = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    if document.pdf is not None:  # rendered by someone else while we waited for the lock
        return bytes(document.pdf)
    data = invoice_pdf.render(document)
    document.pdf, document.pdf_sha256 = data, hashlib.sha256(data).hexdigest()
    document.save(update_fields=["pdf", "pdf_sha256"])
    record(
        Action.DOCUMENT_PDF_STORED,
        system="billing",
        subject_id=document.user_id,
        target=document,
        changes={"number": [None, document.number], "pdf_sha256": [None, document.pdf_sha256]},
    )
    return data


# --- keeping Mollie's subscription in step with ours -------------------------------------


_inline = threading.local()


@contextmanager
def pushing_inline() -> Iterator[None]:
    """For a worker task: a subscription change committed inside this block is pushed to
    Mollie right after the commit, in the same task, instead of through a second task. If
    that push fails in any way, the push task is queued as usual (with its retries)."""
    previous = getattr(_inline, "active", False)
    _inline.active = True
    try:
        yield
    finally:
        _inline.active = previous


def _push_later(subscription: Subscription) -> None:
    from subscriptions.tasks import push_subscription

    subscription_id = subscription.pk
    if not getattr(_inline, "active", False):
        transaction.on_commit(lambda: push_subscription.delay(subscription_id))
        return

    def push_now() -> None:
        try:
            subscription_push(subscription_id=subscription_id)
        except Exception as exc:  # noqa: BLE001  (the task retries what can be retried)
            logger.info(
                "Push of subscription %s after commit failed (%s); queued", subscription_id, exc.__class__.__name__
            )
            push_subscription.delay(subscription_id)

    transaction.on_commit(push_now)


def subscription_push(*, subscription_id: int) -> bool:
    """Make Mollie match our subscription: charges scheduled while it is active and not
    cancelled, none otherwise. Safe to run any number of times. True if it changed
    something at Mollie."""
    subscription = Subscription.objects.select_related("plan", "customer").get(pk=subscription_id)
    remote = subscription.active_remote()
    # Past due (suspended) keeps Mollie's subscription: it may retry, and "pay now" moves it
    # to the new mandate. Only an active one gets a new Mollie subscription.
    wanted = subscription.status in Subscription.CHARGED and not subscription.cancel_at_period_end
    if (
        wanted
        and subscription.status == Subscription.Status.ACTIVE
        and remote is None
        and subscription.mandate_id
        and subscription.customer.mollie_id
    ):
        # The number of Mollie subscriptions so far makes a new key (and description) for
        # each resume, while a retry of the same attempt reuses it.
        count = subscription.remote_subscriptions.count()
        today = timezone.localdate()
        start = max(subscription.current_period_end or today, today)
        created = mollie.subscription_create(
            customer_id=subscription.customer.mollie_id,
            amount=subscription.amount_gross,
            interval=subscription.plan.mollie_interval,
            start_date=start,
            description=f"{subscription.plan.billing_name} #{subscription.pk}-{count}",
            mandate_id=subscription.mandate_id,
            webhook_url=webhook_url(),
            metadata={"subscription": subscription.pk},
            idempotency_key=f"sub-{subscription.pk}-{count}",
        )
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
            made = not MollieSubscription.objects.filter(mollie_id=created.id).exists()
            if made:  # (a second writer waits for the lock above and then sees the link)
                MollieSubscription.objects.create(
                    mollie_id=created.id, subscription=subscription, mandate_id=subscription.mandate_id
                )
                record(
                    Action.SUBSCRIPTION_SCHEDULED,
                    system=MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={"mollie_subscription": [None, created.id], "start_date": [None, start.isoformat()]},
                )
        # The customer may have cancelled meanwhile (the locked row tells): converge once more.
        if locked.status != Subscription.Status.ACTIVE or locked.cancel_at_period_end:
            subscription_push(subscription_id=subscription.pk)
        return True
    if not wanted and remote is not None:
        mollie.subscription_cancel(
            customer_id=subscription.customer.mollie_id,
            subscription_id=remote.mollie_id,
            idempotency_key=f"sub-{subscription.pk}-cancel-{remote.mollie_id}",
        )
        with transaction.atomic():
            locked = MollieSubscription.objects.select_for_update().get(pk=remote.pk)
            if locked.canceled_at is None:
                locked.canceled_at = _now()
                locked.save(update_fields=["canceled_at"])
                record(
                    Action.SUBSCRIPTION_UNSCHEDULED,
                    system=MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={"mollie_subscription": [remote.mollie_id, None]},
                )
        subscription_push(subscription_id=subscription.pk)
        return True
    if (
        wanted
        and remote is not None
        and remote.mandate_id
        and subscription.mandate_id
        and remote.mandate_id != subscription.mandate_id
    ):
        # "Pay now" brought a new mandate: Mollie's subscription charges it from now on.
        mollie.subscription_mandate_update(
            customer_id=subscription.customer.mollie_id,
            subscription_id=remote.mollie_id,
            mandate_id=subscription.mandate_id,
            idempotency_key=f"sub-{subscription.pk}-mandate-{subscription.mandate_id}",
        )
        with transaction.atomic():
            locked = MollieSubscription.objects.select_for_update().get(pk=remote.pk)
            if locked.mandate_id != subscription.mandate_id:
                record(
                    Action.MANDATE_CHANGED,
                    system=MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={
                        "mollie_subscription": [None, remote.mollie_id],
                        "mandate_id": [locked.mandate_id, subscription.mandate_id],
                    },
                )
                locked.mandate_id = subscription.mandate_id
                locked.save(update_fields=["mandate_id"])
        return True
    return False


# --- cancelling ----------------------------------------------------------------------------


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("plan").get(pk=subscription.pk)


@transaction.atomic
def subscription_cancel_at_period_end(*, subscription: Subscription, by) -> Subscription:
    subscription = _locked(subscription)
    if subscription.status != Subscription.Status.ACTIVE:
        raise BillingError(_("Alleen een actief abonnement kunt u opzeggen."))
    if subscription.cancel_at_period_end:
        return subscription
    subscription.cancel_at_period_end = True
    subscription.cancel_requested_at = _now()
    subscription.save(update_fields=["cancel_at_period_end", "cancel_requested_at"])
    record(
        Action.SUBSCRIPTION_CANCEL_REQUESTED,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"cancel_at_period_end": [False, True], "ends_on": [None, subscription.current_period_end.isoformat()]},
    )
    _push_later(subscription)
    return subscription


@transaction.atomic
def subscription_cancel_undo(*, subscription: Subscription, by) -> Subscription:
    subscription = _locked(subscription)
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
    _push_later(subscription)
    return subscription


@transaction.atomic
def subscription_cancel_now(
    *, subscription: Subscription, by=None, system: str | None = None, reason: str = ""
) -> Subscription:
    """End at once (staff, account closure): no further charges, access ends now."""
    subscription = _locked(subscription)
    if not subscription.is_live:
        return subscription
    old = subscription.status
    subscription.status = Subscription.Status.CANCELED
    subscription.ended_at = _now()
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
    _push_later(subscription)
    return subscription


def cancel_on_account_close(*, user, by) -> None:
    """accounts.services.CLOSE_HOOKS: closing the account ends the subscription (and its
    charges at Mollie, after commit)."""
    for subscription in Subscription.objects.filter(user=user, status__in=Subscription.LIVE):
        subscription_cancel_now(subscription=subscription, by=by, reason="account closed")


@transaction.atomic
def subscriptions_end_due(*, now: datetime | None = None) -> int:
    """Subscriptions cancelled at the end of their period whose period is over."""
    now = now or _now()
    today = timezone.localdate(now)
    ended = 0
    # A charge still open at Mollie decides first: if it is paid, the period it pays is the
    # customer's (and the subscription ends after it); if it fails, the next run ends it.
    charging = Payment.objects.filter(
        subscription=OuterRef("pk"), sequence_type=Payment.Sequence.RECURRING, status__in=Payment.OPEN_STATUSES
    )
    due = (
        Subscription.objects.select_for_update()
        .filter(status=Subscription.Status.ACTIVE, cancel_at_period_end=True, current_period_end__lte=today)
        .exclude(Exists(charging))
    )
    for subscription in due:
        subscription.status = Subscription.Status.ENDED
        subscription.ended_at = timezone.make_aware(datetime.combine(subscription.current_period_end, time.min))
        subscription.save(update_fields=["status", "ended_at"])
        record(
            Action.SUBSCRIPTION_ENDED,
            system="billing",
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "status": [Subscription.Status.ACTIVE, Subscription.Status.ENDED],
                "ended_at": [None, subscription.ended_at.isoformat()],
            },
        )
        ended += 1
    return ended


# --- reconciliation --------------------------------------------------------------------------


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
        )


def reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """Ask Mollie about everything a webhook may have missed and apply it with the
    webhook's code. A second run right after changes nothing."""
    now = now or _now()
    report = ReconcileReport()
    # 1. Payments still open, pending or authorized.
    for mollie_id in Payment.objects.filter(
        status__in=[Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED], mollie_id__isnull=False
    ).values_list("mollie_id", flat=True):
        report.payments_checked += 1
        remote = _fetch(mollie_id, report)
        if remote is not None:
            report.payments_changed += _apply(remote).changed
    # 2. First payments whose create answer never reached us.
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
            report.lost_creates_found += _apply(found[0]).changed
        elif payment.created_at <= now - LOST_CREATE_GIVE_UP:
            report.lost_creates_abandoned += _abandon(payment)
    # 3. Payments of our subscriptions at Mollie that we have not seen (or not seen final).
    # Live subscriptions, and ended ones for as long as a refund or chargeback of their
    # last charges can still come (the same watch as for first payments): the work of a run
    # does not grow with every subscription that ever ended.
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
            report.subscription_payments_changed += _apply(remote).changed
    # 4. Mollie subscriptions that should exist or should be gone.
    for subscription in (
        Subscription.objects.filter(remote_subscriptions__canceled_at__isnull=True)
        .exclude(status__in=Subscription.CHARGED, cancel_at_period_end=False)
        .distinct()
    ):
        report.mollie_subscriptions_changed += _push_safely(subscription, report)
    # ... and Mollie subscriptions still charging an old mandate after "pay now".
    stale_mandates = (
        MollieSubscription.objects.filter(canceled_at__isnull=True, subscription__status__in=Subscription.CHARGED)
        .exclude(mandate_id="")
        .exclude(mandate_id=F("subscription__mandate_id"))
        .values_list("subscription_id", flat=True)
    )
    for subscription in Subscription.objects.filter(pk__in=list(stale_mandates)):
        report.mollie_subscriptions_changed += _push_safely(subscription, report)
    for subscription in Subscription.objects.filter(
        status=Subscription.Status.ACTIVE, cancel_at_period_end=False
    ).exclude(remote_subscriptions__canceled_at__isnull=True):
        report.mollie_subscriptions_changed += _push_safely(subscription, report)
    # 5. Periods that ran out after a cancellation.
    report.subscriptions_ended = subscriptions_end_due(now=now)
    # 6. Active subscriptions whose period is over without a charge: Mollie may have stopped
    # charging (the customer revoked the mandate: Mollie suspends its subscription and sends
    # no webhook, as nothing was charged).
    today_minus = timezone.localdate(now) - NO_CHARGE_GRACE
    stale = (
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            cancel_at_period_end=False,
            current_period_end__lte=today_minus,
            remote_subscriptions__canceled_at__isnull=True,
        )
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
        .distinct()
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
            report.stopped_by_mollie += _charges_stopped(subscription, link, remote.status)
    # 7. Refunds and chargebacks of paid first payments (their webhook may be lost too).
    watched = Payment.objects.filter(
        sequence_type=Payment.Sequence.FIRST,
        status=Payment.Status.PAID,
        paid_at__gte=now - REFUND_WATCH,
        mollie_id__isnull=False,
    ).values_list("mollie_id", "amount_refunded", "amount_charged_back")
    for mollie_id, refunded, charged_back in watched:
        remote = _fetch(mollie_id, report)
        if remote is not None and (remote.amount_refunded > refunded or remote.amount_charged_back > charged_back):
            report.first_payment_amounts_changed += _apply(remote).changed
    return report


@transaction.atomic
def _charges_stopped(subscription: Subscription, link: MollieSubscription, remote_status: str) -> int:
    """Mollie no longer charges this subscription (suspended after the mandate was revoked,
    or cancelled or completed at Mollie's side): the period that was due is recorded as an
    automatic payment that could not be made, and dunning starts as for a failed charge
    (mail, "Nu betalen" with a new mandate, reminders, the end on day 14). The Mollie
    subscription is written off here; paying the arrears schedules a new one."""
    subscription = _locked(subscription)
    if subscription.status != Subscription.Status.ACTIVE or subscription.cancel_at_period_end:
        return 0
    link = MollieSubscription.objects.select_for_update().get(pk=link.pk)
    if link.canceled_at is not None:
        return 0
    link.canceled_at = _now()
    link.save(update_fields=["canceled_at"])
    record(
        Action.SUBSCRIPTION_UNSCHEDULED,
        system=MOLLIE,
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
        system=MOLLIE,
        subject_id=subscription.user_id,
        target=payment,
        changes={"status": [None, Payment.Status.FAILED], "reason": [None, f"Mollie subscription {remote_status}"]},
    )
    _past_due_start(subscription, payment, amount=payment.amount, cause="mandate")
    return 1


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


@transaction.atomic
def _abandon(payment: Payment) -> int:
    """A first payment that never reached Mollie (and never will): close it so the
    customer can start again."""
    payment = _locked_payment(pk=payment.pk)
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
