"""Reads of billing state: for pages outside the billing app (dashboard, beheeromgeving), for
the billing pages and admin, and for the billing services themselves.

Selectors never write and never call Mollie; each is a bounded number of queries whatever
the customer's history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db.models import Count, DecimalField, Exists, F, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from audit.events import Action
from audit.models import AuditEvent
from core.buckets import month_starts
from subscriptions.enums import EndReason
from subscriptions.models import (
    CENT,
    VAT_RATE,
    CancelReason,
    Invoice,
    Payment,
    Plan,
    PlanChange,
    Subscription,
    add_interval,
    net_from_gross,
)
from vies import selectors as vies_selectors
from vies.models import VatCheck

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
        subscription = (
            user.subscriptions.filter(status__in=(Subscription.Status.CANCELED, Subscription.Status.ENDED))
            .select_related("plan", *related)
            .order_by("-ended_at", "-created_at")
            .first()
        )
    return summary_of(subscription, next_amount=lambda live: next_charge_amount(subscription=live))


def summary_of(subscription: Subscription | None, *, next_amount: Callable[[Subscription], Decimal]) -> BillingSummary:
    """The :class:`BillingSummary` of the subscription that counts: the customer's newest
    live one, else the one that ended last (None: never subscribed). ``next_amount`` gives
    an active subscription's next charge (a scheduled plan change's amount, else its own;
    asked only for an active one). Shared by :func:`billing_summary` and the dashboard's
    one-statement read (``koppeling.selectors.dashboard_status``)."""
    if subscription is None or subscription.status not in Subscription.LIVE:
        if subscription is not None and subscription.end_reason == EndReason.UNPAID:
            return BillingSummary(
                state=BillingState.ENDED_UNPAID, subscription=subscription, plan_name=subscription.plan.name
            )
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
        next_charge_amount=next_amount(subscription),
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


class VatNote(StrEnum):
    """Why a business in another EU country pays Dutch VAT after all (printed on the invoice)."""

    NONE = ""  # reverse charge, or no ground for it to begin with
    UNCHECKED = "vies_unchecked"  # VIES has not answered about this VAT id (yet)
    INVALID = "vies_invalid"  # VIES says the VAT id is not valid
    EXPIRED = "vies_expired"  # VIES's last valid answer is older than 30 days


@dataclass(frozen=True)
class VatDecision:
    rate: Decimal
    reverse_charge: bool
    note: VatNote = VatNote.NONE
    check: VatCheck | None = None  # the VIES answer reverse charge rests on

    def snapshot(self) -> dict[str, str]:
        """What the invoice snapshot records of it: the VIES proof, or why Dutch VAT."""
        if self.check is not None:
            when = timezone.localdate(self.check.checked_at).isoformat()
            return {"vies_checked_on": when, "vies_consultation": self.check.consultation_number, "vat_note": ""}
        return {"vies_checked_on": "", "vies_consultation": "", "vat_note": str(self.note)}


def vat_decision(*, user, at: datetime | None = None) -> VatDecision:
    """21% Dutch VAT, or 0% reverse charge for a business elsewhere in the EU: a company
    whose VAT id is of the country of its billing address, that country is not the
    Netherlands (a Dutch VAT id never gets reverse charge, wherever the address is), and
    VIES confirmed the VAT id as valid less than 30 days ago. Without that confirmation the
    business pays Dutch VAT, and the decision says why (:class:`VatNote`)."""
    profile = profile_of(user)
    if profile is not None and profile.vat_id and profile.company_name:
        country = profile.billing_address()["country"]
        vat_country = profile.vat_id.strip().upper()[:2].replace("EL", "GR")  # Greece's VAT ids start with EL
        if country in EU_OUTSIDE_NL and vat_country == country:
            check = vies_selectors.valid_check(user=user, vat_id=profile.vat_id, at=at)
            if check is not None:
                return VatDecision(Decimal("0"), True, check=check)
            latest = vies_selectors.latest_check(user=user, vat_id=profile.vat_id)
            if latest is not None and latest.result == VatCheck.Result.INVALID:
                note = VatNote.INVALID
            elif latest is not None and latest.result == VatCheck.Result.VALID:
                note = VatNote.EXPIRED
            else:
                note = VatNote.UNCHECKED
            return VatDecision(VAT_RATE, False, note=note)
    return VatDecision(VAT_RATE, False)


def vat_treatment(*, user) -> tuple[Decimal, bool]:
    """(rate, reverse charge) of :func:`vat_decision` now."""
    decision = vat_decision(user=user)
    return decision.rate, decision.reverse_charge


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
# Set by the invoice itself (``VatDecision.snapshot``), not from the profile: the VIES proof of
# a reverse-charged invoice (date and consultation number), or why a business elsewhere in
# the EU pays Dutch VAT. Credit notes copy them with the rest of the invoice's snapshot.
INVOICE_VAT_FIELDS = ("vies_checked_on", "vies_consultation", "vat_note")


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


def next_charge_plan(*, subscription) -> Plan:
    """The plan the next period is charged for: a scheduled plan change's, else the
    subscription's own (its interval is the one Mollie's subscription must have)."""
    change = subscription.plan_changes.filter(status=PlanChange.Status.SCHEDULED).select_related("to_plan").first()
    return change.to_plan if change else subscription.plan


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


# --- cancellation reasons (the admin's count per month) ------------------------------------------


@dataclass(frozen=True)
class CancelReasonMonth:
    month: date
    counts: list[int]  # in the order of ``cancel_reason_columns()``
    total: int


def cancel_reason_columns() -> list[tuple[str, str]]:
    """(value, label) of every reason, and "" for a cancellation without one, last."""
    from django.utils.translation import gettext

    return [*CancelReason.choices, ("", gettext("geen reden gegeven"))]


def cancel_reasons_per_month(*, months: int = 24) -> list[CancelReasonMonth]:
    """Cancellations per calendar month of the request (Europe/Amsterdam), newest first, per
    reason. Counted: every subscription whose cancellation still stands or took effect (an
    undone cancellation clears ``cancel_requested_at`` and is not counted)."""
    from django.db.models.functions import TruncMonth

    rows = (
        Subscription.objects.filter(cancel_requested_at__isnull=False)
        .annotate(month=TruncMonth("cancel_requested_at"))
        .values("month", "cancel_reason")
        .annotate(n=Count("id"))
    )
    columns = [value for value, _label in cancel_reason_columns()]
    table: dict[date, list[int]] = {}
    for row in rows:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime) else row["month"]
        counts = table.setdefault(month, [0] * len(columns))
        counts[columns.index(row["cancel_reason"] if row["cancel_reason"] in columns else "")] += row["n"]
    return [
        CancelReasonMonth(month=month, counts=counts, total=sum(counts))
        for month, counts in sorted(table.items(), reverse=True)[:months]
    ]


# --- invoices: their status, and the next one ------------------------------------------------


class InvoiceStatus(StrEnum):
    PAID = "paid"  # betaald
    OPEN = "open"  # the payment was charged back and is not settled yet
    CREDITED = "credited"  # credit notes for the whole amount
    PART_CREDITED = "part_credited"  # paid, with a credit note for part of it


INVOICE_STATUS_LABELS = {
    InvoiceStatus.PAID: _("betaald"),
    InvoiceStatus.OPEN: _("open"),
    InvoiceStatus.CREDITED: _("gecrediteerd"),
    InvoiceStatus.PART_CREDITED: _("deels gecrediteerd"),
}


def invoices_with_status(queryset: QuerySet) -> QuerySet:
    """``queryset`` of invoices with what :func:`invoice_status` reads, in the same query:
    the total credited, the amount charged back, and whether a later "Nu betalen" settled it."""
    settled = Payment.objects.filter(arrears_of=OuterRef("payment_id"), status=Payment.Status.PAID)
    return queryset.annotate(
        credited_total=Coalesce(
            Sum("credit_notes__amount_gross"),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=10, decimal_places=2),
        ),
        charged_back=F("payment__amount_charged_back"),
        settled=Exists(settled),
    )


def invoice_status(invoice: Invoice) -> InvoiceStatus:
    """Open (charged back, not settled), betaald, deels gecrediteerd or gecrediteerd. An
    invoice is issued when its payment is paid, so it starts as paid. Reads the annotations of
    :func:`invoices_with_status` (queries them when absent)."""
    if not hasattr(invoice, "credited_total"):
        invoice = invoices_with_status(Invoice.objects.filter(pk=invoice.pk)).defer("pdf", "ubl").get()
    credited = -(invoice.credited_total or Decimal("0"))
    if credited >= invoice.amount_gross > 0:
        return InvoiceStatus.CREDITED
    if (invoice.charged_back or Decimal("0")) > 0 and not invoice.settled:
        return InvoiceStatus.OPEN
    if credited > 0:
        return InvoiceStatus.PART_CREDITED
    return InvoiceStatus.PAID


@dataclass(frozen=True)
class InvoicePreviewLine:
    description: str
    period_start: date
    period_end: date  # the last day
    amount_net: Decimal


@dataclass(frozen=True)
class InvoicePreview:
    """The invoice the next automatic charge will bring, as far as it is known today."""

    issued_on: date  # the day of the charge
    lines: tuple[InvoicePreviewLine, ...]
    amount_net: Decimal
    vat_rate: Decimal
    vat_amount: Decimal
    amount_gross: Decimal
    reverse_charge: bool
    vat_note: str = ""
    change: PlanChange | None = None  # the scheduled change it includes


def next_invoice_preview(*, subscription: Subscription, user=None) -> InvoicePreview | None:
    """The next period's invoice of an active subscription that goes on: its date (the
    charge on ``current_period_end``), the plan it will be for (a scheduled change included),
    the amount Mollie will charge, and the VAT as it would be decided today (a business
    elsewhere in the EU: reverse charge only while VIES's check is valid, see
    :func:`vat_decision`). None when no further charge is due (pending, past due, cancelled
    at the period end, ended)."""
    if subscription.status != Subscription.Status.ACTIVE or subscription.cancel_at_period_end:
        return None
    start = subscription.current_period_end
    if start is None:
        return None
    change = (
        subscription.plan_changes.filter(status=PlanChange.Status.SCHEDULED, effective_on__lte=start)
        .select_related("to_plan")
        .first()
    )
    plan = change.to_plan if change is not None else subscription.plan
    gross = change.amount_gross if change is not None else subscription.amount_gross
    decision = vat_decision(user=user or subscription.user)
    net = gross if decision.reverse_charge else net_from_gross(gross, decision.rate)
    end = add_interval(start, plan.interval) - timedelta(days=1)
    with translation.override("nl"):  # as the invoice will say it
        description = f"{plan.billing_name} ({plan.get_interval_display()})"
    line = InvoicePreviewLine(description=description, period_start=start, period_end=end, amount_net=net)
    return InvoicePreview(
        issued_on=start,
        lines=(line,),
        amount_net=net,
        vat_rate=decision.rate,
        vat_amount=gross - net,
        amount_gross=gross,
        reverse_charge=decision.reverse_charge,
        vat_note=str(decision.note),
        change=change,
    )


# --- the customer at a glance (admin) ---------------------------------------------------------


def scheduled_plan_change(*, subscription: Subscription | None) -> PlanChange | None:
    """The open plan change of ``subscription`` (charging or scheduled), with both plans: one query."""
    if subscription is None:
        return None
    return (
        subscription.plan_changes.filter(status__in=PlanChange.OPEN)
        .select_related("from_plan", "to_plan")
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class DocumentRow:
    kind: str  # "invoice" or "credit_note"
    number: str
    issued_on: date
    amount_gross: Decimal
    status: str  # as staff read it


def billing_documents(*, user, limit: int = 20) -> list[DocumentRow]:
    """The customer's newest invoices and credit notes with their status (two queries, the
    stored PDF and UBL never read)."""
    from subscriptions.models import CreditNote

    invoices = invoices_with_status(
        Invoice.objects.filter(user=user).defer("pdf", "ubl", "billing_snapshot", "seller_snapshot")
    ).order_by("-issued_on", "-number")[:limit]
    rows = [
        DocumentRow(
            "invoice", inv.number, inv.issued_on, inv.amount_gross, str(INVOICE_STATUS_LABELS[invoice_status(inv)])
        )
        for inv in invoices
    ]
    notes = (
        CreditNote.objects.filter(user=user)
        .select_related(None)
        .only("number", "issued_on", "amount_gross", "invoice__number")
        .select_related("invoice")
        .order_by("-issued_on", "-number")[:limit]
    )
    rows += [
        DocumentRow(
            "credit_note",
            note.number,
            note.issued_on,
            note.amount_gross,
            str(_("creditnota bij %(number)s") % {"number": note.invoice.number}),
        )
        for note in notes
    ]
    rows.sort(key=lambda row: (row.issued_on, row.number), reverse=True)
    return rows[:limit]


# --- figures for the staff overview (portal.admin_overview) ---------------------------------
# Each is one query whatever the number of customers, grouped in the database with Django's
# Trunc* (PostgreSQL here, SQLite under `make run`): Python only adds up and fills the months
# that had nothing with zero.


@dataclass(frozen=True)
class SubscriptionMonth:
    month: date  # the first day of the month (Amsterdam calendar)
    mrr: Decimal  # monthly-equivalent excl. VAT of what was running at the month's end, in euro
    active: int  # subscriptions running at the month's end
    new: int  # started (first payment paid) in the month
    churned: int  # ended in the month after having started


@dataclass(frozen=True)
class DunningFunnel:
    failed: int  # became past due in the period
    recovered: int  # settled in the period (paid, or staff settled them)
    ended: int  # ended in the period because they were not paid
    open_now: int  # past due now


# Statuses of a subscription that started (a pending or failed checkout never did).
_STARTED = (
    Subscription.Status.ACTIVE,
    Subscription.Status.SUSPENDED,
    Subscription.Status.CANCELED,
    Subscription.Status.ENDED,
)


def subscriptions_per_month(*, months: int, now: datetime | None = None) -> list[SubscriptionMonth]:
    """Per month of the last ``months`` (this month up to now): the monthly recurring revenue
    and the subscriptions running at its end, and how many started and ended in it.

    Running: started and not yet ended at that moment (past due counts: the service goes on);
    a yearly plan counts for a twelfth of its net amount. Amounts are the subscriptions' current
    ones (a plan change moves its whole history). One query over the subscriptions: the starts
    and the ends grouped by (local) month with their amounts; a running sum over the months,
    beginning with everything before the first, gives what ran at each month's end."""
    from django.db.models import Case, When
    from django.db.models.functions import TruncMonth

    from core.buckets import local_day

    now = now or timezone.now()
    wanted = month_starts(count=months, today=timezone.localdate(now))
    monthly = Case(
        When(plan__interval=Plan.Interval.YEAR, then=F("amount_net") / Value(12)),
        default=F("amount_net"),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )
    started = Subscription.objects.filter(started_at__isnull=False, status__in=_STARTED).order_by()

    def grouped(moment: str, sign: int):
        return (
            started.filter(**{f"{moment}__lt": now})
            .annotate(month=TruncMonth(moment), sign=Value(sign))
            .values("month", "sign")
            .annotate(n=Count("pk"), amount=Sum(monthly))
        )

    moves: dict[date, list] = {}  # month: [started, ended, amount added, amount taken off]
    for row in grouped("started_at", 1).union(grouped("ended_at", -1), all=True):
        found = moves.setdefault(local_day(row["month"]), [0, 0, Decimal(0), Decimal(0)])
        index = 0 if row["sign"] == 1 else 1
        found[index] += row["n"]
        found[2 + index] += Decimal(row["amount"] or 0)
    mrr, active, result = Decimal(0), 0, []
    for month in sorted(set(moves) | set(wanted)):
        new, churned, added, taken = moves.get(month, [0, 0, Decimal(0), Decimal(0)])
        mrr, active = mrr + added - taken, active + new - churned
        if month >= wanted[0]:
            result.append(SubscriptionMonth(month, mrr.quantize(CENT, ROUND_HALF_UP), active, new, churned))
    return result


def cancel_reasons_since(*, since: datetime) -> list[tuple[str, int]]:
    """(label, count) of every cancellation reason given since ``since`` (by the day of the
    request; an undone cancellation is not counted), in the order of the choices."""
    counts = dict(
        Subscription.objects.filter(cancel_requested_at__gte=since)
        .order_by()
        .values("cancel_reason")
        .annotate(n=Count("id"))
        .values_list("cancel_reason", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in cancel_reason_columns()]


def dunning_funnel(*, since: datetime) -> DunningFunnel:
    """Failed automatic charges since ``since`` and how they ended: the past-due events of the
    audit trail (the subscription's columns keep only the current episode), and the
    subscriptions ended unpaid. Two queries (the audit trail, the subscriptions)."""
    from django.db.models import Q

    events = AuditEvent.objects.filter(
        occurred_at__gte=since, action__in=[Action.SUBSCRIPTION_PAST_DUE, Action.SUBSCRIPTION_PAST_DUE_ENDED]
    ).aggregate(
        failed=Count("pk", filter=Q(action=Action.SUBSCRIPTION_PAST_DUE)),
        recovered=Count("pk", filter=Q(action=Action.SUBSCRIPTION_PAST_DUE_ENDED)),
    )
    subscriptions = Subscription.objects.aggregate(
        ended=Count("pk", filter=Q(end_reason=str(DUNNING_END_REASON), ended_at__gte=since)),
        open_now=Count("pk", filter=Q(status=Subscription.Status.SUSPENDED)),
    )
    return DunningFunnel(**events, **subscriptions)
