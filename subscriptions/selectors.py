"""Reads of billing state: for pages outside the billing app (dashboard, beheeromgeving), for
the billing pages and admin, and for the billing services themselves.

Selectors never write and never call Mollie; each is a bounded number of queries whatever
the customer's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Profile
from subscriptions.enums import EndReason
from subscriptions.models import CENT, VAT_RATE, Invoice, Payment, PlanChange, Subscription

DUNNING_END_REASON = EndReason.UNPAID


class BillingState(StrEnum):
    NONE = "none"  # never subscribed, or nothing live
    PENDING = "pending"  # waiting for the first payment
    ACTIVE = "active"
    CANCELING = "canceling"  # active, ends at the end of the paid period
    PAST_DUE = "past_due"  # an automatic charge failed; arrears open
    ENDED_UNPAID = "ended_unpaid"  # the last subscription ended because it was not paid


@dataclass(frozen=True)
class BillingSummary:
    state: BillingState
    subscription: Subscription | None
    plan_name: str = ""
    paid_through: date | None = None
    next_charge_on: date | None = None
    next_charge_amount: Decimal | None = None
    open_amount: Decimal | None = None

    @property
    def is_live(self) -> bool:
        """The customer has a subscription that lets the service run (settings editable)."""
        return self.state in (BillingState.ACTIVE, BillingState.CANCELING, BillingState.PAST_DUE)


def live_subscription(*, user, related: tuple[str, ...] = ()) -> Subscription | None:
    """The customer's pending, active or past-due subscription, if any (one query).
    ``related``: more ``select_related`` paths to read in the same query (e.g. the user's
    one-to-one rows that another selector needs)."""
    return (
        user.subscriptions.filter(status__in=Subscription.LIVE)
        .select_related("plan", *related)
        .order_by("-created_at")
        .first()
    )


def subscription_is_live(*, user) -> bool:
    """``billing_summary(user=user).is_live`` in one narrow query (for the webshop API, on
    every order): the newest live subscription is active (perhaps canceling) or past due."""
    status = (
        user.subscriptions.filter(status__in=Subscription.LIVE)
        .order_by("-created_at")
        .values_list("status", flat=True)
        .first()
    )
    return status in Subscription.CHARGED


def billing_summary(*, user, related: tuple[str, ...] = ()) -> BillingSummary:
    """What the dashboard says about billing: at most two queries (``related`` as for
    :func:`live_subscription`, joined to whichever subscription is read)."""
    subscription = live_subscription(user=user, related=related)
    if subscription is None:
        last = (
            user.subscriptions.filter(status__in=(Subscription.Status.CANCELED, Subscription.Status.ENDED))
            .select_related("plan", *related)
            .order_by("-ended_at", "-created_at")
            .first()
        )
        if last is not None and last.end_reason == EndReason.UNPAID:
            return BillingSummary(state=BillingState.ENDED_UNPAID, subscription=last, plan_name=last.plan.name)
        return BillingSummary(state=BillingState.NONE, subscription=None)
    common = {
        "subscription": subscription,
        "plan_name": subscription.plan.name,
        "paid_through": subscription.paid_through,
    }
    if subscription.status == Subscription.Status.PENDING:
        return BillingSummary(state=BillingState.PENDING, **common)
    if subscription.status == Subscription.Status.SUSPENDED:
        return BillingSummary(state=BillingState.PAST_DUE, open_amount=subscription.dunning_amount, **common)
    if subscription.cancel_at_period_end:
        return BillingSummary(state=BillingState.CANCELING, **common)
    return BillingSummary(
        state=BillingState.ACTIVE,
        next_charge_on=subscription.current_period_end,
        next_charge_amount=subscription.amount_gross,
        **common,
    )


# --- billing details and VAT ---------------------------------------------------------------

# EU member states other than the Netherlands: a business there with a VAT id is invoiced
# without Dutch VAT ("btw verlegd", reverse charge).
EU_OUTSIDE_NL = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT PL PT RO SE SI SK".split())
# What a Dutch invoice must name of the customer (and a first payment therefore needs).
BILLING_DETAILS = ("name", "street", "postal_code", "city", "country")


def profile_of(user) -> Profile | None:
    """The customer's profile (None for no user or no profile), without a query when it was
    loaded with ``select_related``."""
    if user is None:
        return None
    if "profile" in user._state.fields_cache:  # loaded with select_related (None: no profile)
        return user._state.fields_cache["profile"]
    return Profile.objects.filter(user=user).first()


def vat_treatment(*, user) -> tuple[Decimal, bool]:
    """21% Dutch VAT, or 0% reverse charge for a business elsewhere in the EU: a company
    whose VAT id is of the country of its billing address, and that country is not the
    Netherlands (a Dutch VAT id never gets reverse charge, wherever the address is)."""
    profile = profile_of(user)
    if profile is not None and profile.vat_id and profile.company_name:
        country = profile.billing_address()["country"]
        vat_country = profile.vat_id.strip().upper()[:2].replace("EL", "GR")  # Greece's VAT ids start with EL
        if country in EU_OUTSIDE_NL and vat_country == country:
            return Decimal("0"), True
    return VAT_RATE, False


def billing_details_missing(*, user) -> list[str]:
    """The parts of the invoice address the customer has not filled in yet (none: ready)."""
    profile = profile_of(user)
    if profile is None:
        return list(BILLING_DETAILS)
    address = profile.billing_address()
    return [part for part in BILLING_DETAILS if not (address.get(part) or "").strip()]


# What a Dutch invoice must name of the customer (art. 35a Wet OB: name and address; the
# customer's VAT id when the VAT is reverse charged), plus the company and KvK number the
# invoice prints beside them, and the customer's own reference ("uw referentie / PO-nummer",
# printed on the invoice and the e-invoice's buyer reference). Nothing else: no e-mail
# address, no username (they are not on the invoice, and the snapshot outlives the account by
# up to seven years).
INVOICE_SNAPSHOT_FIELDS = ("name", "company", "street", "postal_code", "city", "country", "vat_id", "kvk", "reference")


def billing_snapshot(*, user) -> dict[str, str]:
    """Name, address, company, VAT id and KvK as they are now: copied onto the invoice
    (only :data:`INVOICE_SNAPSHOT_FIELDS`)."""
    if user is None:
        return {}
    profile = profile_of(user)
    snapshot: dict[str, str] = {}
    if profile is not None:
        snapshot.update(profile.billing_address())
        snapshot.update(
            {
                "company": profile.company_name,
                "vat_id": profile.vat_id,
                "kvk": profile.kvk_number,
                "reference": profile.invoice_reference,
            }
        )
        if not snapshot.get("name"):
            snapshot["name"] = profile.full_name or user.get_full_name()
    else:
        snapshot["name"] = user.get_full_name()
    return {field: snapshot.get(field) or "" for field in INVOICE_SNAPSHOT_FIELDS}


# --- dunning dates (see docs/billing.md, "Dunning") -----------------------------------------
#
# Day 0 is the local day the automatic charge failed; each boundary is the start (00:00,
# Europe/Amsterdam) of that day. A reminder on day 3 and on day 10; at the start of day 14
# an unpaid subscription ends ("betaal vóór" day 14). The daily job and the admin's filter
# both read these functions.

DUNNING_REMINDER_DAYS = (3, 10)
DUNNING_END_DAY = 14


@dataclass(frozen=True)
class DunningSchedule:
    failed_on: date
    reminders: tuple[datetime, ...]
    pay_before: date
    ends_at: datetime


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def dunning_schedule(*, subscription: Subscription) -> DunningSchedule | None:
    """The dates of a past-due subscription's dunning (None when it is not past due)."""
    if subscription.dunning_since is None:
        return None
    failed_on = timezone.localdate(subscription.dunning_since)
    return DunningSchedule(
        failed_on=failed_on,
        reminders=tuple(_start_of(failed_on + timedelta(days=day)) for day in DUNNING_REMINDER_DAYS),
        pay_before=failed_on + timedelta(days=DUNNING_END_DAY),
        ends_at=_start_of(failed_on + timedelta(days=DUNNING_END_DAY)),
    )


def past_due_at_their_end(subscriptions: QuerySet[Subscription], *, now: datetime) -> QuerySet[Subscription]:
    """The past-due subscriptions whose dunning has reached its end at ``now`` (the daily
    job ends them, or waits for a payment in progress): those whose ``ends_at`` is not
    after ``now``. That is every one that failed on a local day at least
    ``DUNNING_END_DAY`` days before today, so before the start of the day after that."""
    last_failed_on = timezone.localdate(now) - timedelta(days=DUNNING_END_DAY)
    return subscriptions.filter(
        status=Subscription.Status.SUSPENDED, dunning_since__lt=_start_of(last_failed_on + timedelta(days=1))
    )


def overdue_period(subscription: Subscription) -> bool:
    """Past due because a charge failed (its period is unpaid and counts as paid once the
    arrears are), rather than because a paid charge was taken back (its period was
    counted already)."""
    return not Payment.objects.filter(pk=subscription.dunning_payment_id, status=Payment.Status.PAID).exists()


def next_charge_amount(*, subscription) -> Decimal:
    """What Mollie should charge for the next period: a scheduled plan change's amount, else
    the subscription's own."""
    change = subscription.plan_changes.filter(status=PlanChange.Status.SCHEDULED).first()
    return change.amount_gross if change else subscription.amount_gross


# --- closing the account: what it does to the live subscription and the money ----------------


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
    invoices = Invoice.objects.filter(payment__subscription=subscription).select_related("payment").defer("pdf", "ubl")
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
