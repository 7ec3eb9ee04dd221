"""Billing data (declared for the retention register).

Kept until the subscription ended plus seven years (the statutory retention duty; the
privacy statement promises exactly this). What happens when:

* **The account is erased** (three months after closure): the user link of every billing
  row goes (``on_delete=SET_NULL`` on subscriptions, payments, invoices, credit notes and
  the Mollie customer), the rows stay. Invoices and credit notes keep their
  ``billing_snapshot`` (name and address as invoiced) and their stored PDF, because the law
  requires the invoice as issued (the snapshot holds only what the invoice shows: name,
  company, address, VAT id, KvK). A Mollie customer without any
  subscription is deleted with the account: there is nothing it must be kept for. The
  customer record *at Mollie* (name, e-mail) of every erased account is deleted there
  after the erasure commits (``services.erasure``); Mollie keeps the payments.
* **Seven years after ``Subscription.ended_at``**: the subscription and everything under
  it is *deleted*: its credit notes and invoices (with their snapshots and PDFs), its payments (Mollie payment ids,
  amounts, dates), its Mollie subscription ids, and the Mollie customer once no
  subscription of it is left. Nothing of the customer remains; the invoice number sequence
  per year (``InvoiceSequence``) stays, so numbers are never handed out twice.
  "Removed" for payments therefore means removed, not anonymised: a payment row without
  its customer and invoice has no purpose we could name in the register.

The reason a customer gave for cancelling (``cancel_reason``, ``cancel_reason_text``: optional,
asked on the cancel confirmation) is a column of the subscription and goes with it; the audit
event of the cancellation records only that a text was given, not the words.

Dunning leaves no table of its own: the subscription's ``dunning_*`` fields, the
``arrears_of`` link of a "Nu betalen" payment and the mandate a Mollie subscription
charges are columns of the rows above and go with them. Plan changes (``PlanChange``: from
and to which plan, when, the pro-rata payment) and payment-method changes (``MandateChange``:
the old and new mandate ids) belong to the subscription and are deleted with it.

A subscription that never ended (``ended_at`` empty) is never due: while it runs, it is
needed for the contract. One that never started (its first payment failed, expired or was
never made) ends when that is known, so its rows go seven years later too. An invoice or
credit note dated after the end keeps the whole subscription until seven years after that
document's date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from register.cascade import in_batch
from register.registry import Category, DataSubject, EndAction, Explanation, LegalBasis, Period, register
from subscriptions.models import (
    CreditNote,
    Invoice,
    MandateChange,
    MollieCustomer,
    MollieSubscription,
    Payment,
    PlanChange,
    Subscription,
)
from subscriptions.services.documents import document_pdf, document_ubl
from subscriptions.services.erasure import mollie_customers_forget

BILLING_PERIOD = Period(years=7)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def billing_due(now: datetime) -> QuerySet:
    """Ended seven years ago, and no invoice or credit note of it younger than that (a
    refund's credit note or a late payment's invoice can come after the end: the seven
    years of a document run from its own date)."""
    cutoff = BILLING_PERIOD.cutoff(now)
    last_day = timezone.localdate(cutoff)
    return (
        Subscription.objects.filter(ended_at__isnull=False, ended_at__lte=cutoff)
        .exclude(payments__invoice__issued_on__gt=last_day)
        .exclude(payments__invoice__credit_notes__issued_on__gt=last_day)
    )


def _last_document_day(subscriptions: QuerySet):
    days = [
        Invoice.objects.filter(payment__subscription__in=subscriptions).aggregate(last=Max("issued_on"))["last"],
        CreditNote.objects.filter(invoice__payment__subscription__in=subscriptions).aggregate(last=Max("issued_on"))[
            "last"
        ],
    ]
    days = [day for day in days if day is not None]
    return max(days) if days else None


def dispose_billing(ids: list[Any]) -> dict[str, int]:
    customers = list(Subscription.objects.filter(pk__in=ids).values_list("customer_id", flat=True).distinct())
    counts: dict[str, int] = {}
    for label, queryset in (
        # Credit notes first: they protect the invoice they correct.
        ("subscriptions.CreditNote", CreditNote.objects.filter(invoice__payment__subscription_id__in=ids)),
        ("subscriptions.Invoice", Invoice.objects.filter(payment__subscription_id__in=ids)),
        # Plan and payment-method changes point at payments (the pro-rata charge, the check).
        ("subscriptions.MandateChange", MandateChange.objects.filter(subscription_id__in=ids)),
        ("subscriptions.PlanChange", PlanChange.objects.filter(subscription_id__in=ids)),
        ("subscriptions.Payment", Payment.objects.filter(subscription_id__in=ids)),
        ("subscriptions.MollieSubscription", MollieSubscription.objects.filter(subscription_id__in=ids)),
        ("subscriptions.Subscription", Subscription.objects.filter(pk__in=ids)),
        (
            "subscriptions.MollieCustomer",
            MollieCustomer.objects.filter(pk__in=customers, user__isnull=True, subscriptions__isnull=True),
        ),
    ):
        deleted, _per_model = queryset.delete()
        counts[label] = deleted
    return counts


def erase_user_billing(user_ids: list[Any]) -> dict[str, int]:
    """With the account: the customer records at Mollie (name, e-mail) are deleted there
    once the erasure commits (``services.erasure``); here, drop our Mollie customers that
    never got a subscription (the rest loses its user link through SET_NULL and stays for
    its own period)."""
    mollie_customers_forget(user_ids=user_ids)
    deleted, _per_model = MollieCustomer.objects.filter(
        user_id__in=in_batch(user_ids), subscriptions__isnull=True
    ).delete()
    return {"subscriptions.MollieCustomer": deleted} if deleted else {}


def export_billing(user) -> dict[str, Any]:
    return {
        "mollie_customer": getattr(MollieCustomer.objects.filter(user=user).first(), "mollie_id", None),
        "subscriptions": [
            {
                "plan": s.plan.name,
                "status": s.status,
                "amount_gross": str(s.amount_gross),
                "mandate": s.mandate_id,
                "started_at": _iso(s.started_at),
                "ended_at": _iso(s.ended_at),
                "end_reason": s.end_reason,
                "cancel_reason": s.cancel_reason,
                "cancel_reason_text": s.cancel_reason_text,
                "language": s.language,
                "payment_overdue_since": _iso(s.dunning_since),
                "amount_overdue": str(s.dunning_amount) if s.dunning_amount is not None else None,
            }
            for s in Subscription.objects.filter(user=user).select_related("plan").order_by("created_at")
        ],
        "payments": [
            {
                "mollie_id": p.mollie_id,
                "status": p.status,
                "amount": str(p.amount),
                "paid_at": _iso(p.paid_at),
                "amount_refunded": str(p.amount_refunded),
                "amount_charged_back": str(p.amount_charged_back),
            }
            for p in Payment.objects.filter(user=user).order_by("created_at")
        ],
        "plan_changes": [
            {
                "from": c.from_plan.name,
                "to": c.to_plan.name,
                "status": c.status,
                "effective_on": _iso(c.effective_on),
                "requested_at": _iso(c.created_at),
            }
            for c in PlanChange.objects.filter(subscription__user=user)
            .select_related("from_plan", "to_plan")
            .order_by("created_at")
        ],
        "payment_method_changes": [
            {"old_mandate": c.old_mandate_id, "new_mandate": c.new_mandate_id, "at": _iso(c.created_at)}
            for c in MandateChange.objects.filter(subscription__user=user).order_by("created_at")
        ],
        "invoices": [
            {
                "number": i.number,
                "issued_on": _iso(i.issued_on),
                "amount_gross": str(i.amount_gross),
                "billing_snapshot": i.billing_snapshot,
            }
            for i in Invoice.objects.filter(user=user).defer("pdf", "ubl").order_by("issued_on", "number")
        ],
        "credit_notes": [
            {
                "number": c.number,
                "invoice": c.invoice.number,
                "issued_on": _iso(c.issued_on),
                "amount_net": str(c.amount_net),
                "vat_amount": str(c.vat_amount),
                "amount_gross": str(c.amount_gross),
                "billing_snapshot": c.billing_snapshot,
            }
            for c in CreditNote.objects.filter(user=user)
            .defer("pdf", "ubl", "invoice__pdf", "invoice__ubl")
            .select_related("invoice")
            .order_by("issued_on", "number")
        ],
    }


def export_billing_files(user) -> Iterator[tuple[str, bytes]]:
    """Every invoice and credit note as issued: its stored PDF and its UBL e-invoice (made
    now, once, if a task never did), in the ZIP's ``billing/`` folder."""
    for model in (Invoice, CreditNote):
        for document in model.objects.filter(user=user).defer("pdf", "ubl").order_by("issued_on", "number"):
            yield document.pdf_filename, document_pdf(document=document)
            yield document.ubl_filename, document_ubl(document=document)


def explain_billing(user, now: datetime) -> Explanation:
    subscriptions = Subscription.objects.filter(user=user)
    if not subscriptions.exists():
        return Explanation(category=BILLING, held=False, note=str(_("zeven jaar na het einde van uw abonnement")))
    if subscriptions.filter(ended_at__isnull=True).exists():
        return Explanation(category=BILLING, held=True, note=str(_("zeven jaar na het einde van uw abonnement")))
    last_end = subscriptions.aggregate(last=Max("ended_at"))["last"]
    last_document = _last_document_day(subscriptions)
    if last_document is not None:
        last_end = max(last_end, timezone.make_aware(datetime.combine(last_document, time.min)))
    return Explanation(category=BILLING, held=True, removal_at=BILLING_PERIOD.ends_at(last_end))


BILLING = Category(
    name="billing",
    verbose_name=_("Abonnement, betalingen en facturen"),
    purpose=_("Uw abonnement uitvoeren, betalingen via Mollie afhandelen en facturen opstellen en bewaren."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het einde van het abonnement"),
    period=BILLING_PERIOD,
    end_action=EndAction.DELETE,
    data=_(
        "Mollie-klant-, machtigings- en betalingskenmerken, bedragen, betaaldata, facturen en creditnota's met naam en factuuradres, "
        "en de reden van opzegging als u die opgeeft"
    ),
    due=billing_due,
    dispose=dispose_billing,
    subject_field="user_id",
    erase_users=erase_user_billing,
    export=export_billing,
    export_files=export_billing_files,
    explain=explain_billing,
    order=40,
    app_label="subscriptions",
    recipients=("hosting", "mail", "mollie"),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Rekening- en kaartgegevens blijven bij Mollie, wij bewaren alleen de verwijzing; een uitgegeven factuur wordt nooit meer gewijzigd."
    ),
)

register(BILLING)
