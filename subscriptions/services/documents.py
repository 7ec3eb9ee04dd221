"""Invoices and credit notes, their PDFs and their UBL e-invoices.

One invoice per paid payment and one credit note per growth of the refunded amount, both
numbered without gaps per year and issued inside the transaction that applies the payment
(the caller holds the payment's lock). The PDF is rendered after commit (follow-up task) or
on first download, stored once with its SHA-256, and from then on only served; the UBL
e-invoice likewise, right after the PDF (it embeds it)."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation

from audit.events import Action
from audit.services import record
from subscriptions import invoice_pdf
from subscriptions.einvoice import ubl
from subscriptions.enums import System
from subscriptions.models import CreditNote, Invoice, InvoiceSequence, Payment, Subscription
from subscriptions.selectors import billing_snapshot, vat_decision
from subscriptions.services.base import add_interval, net_from_gross
from subscriptions.services.followup import pdf_later

logger = logging.getLogger(__name__)


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


def invoice_issue(
    payment: Payment,
    subscription: Subscription,
    period_start: date,
    *,
    period_end: date | None = None,
    description: str = "",
) -> Invoice:
    """One invoice per paid payment, numbered without gaps per year (the number is taken
    inside this transaction: a rollback returns it). Called once per payment, when it
    becomes paid (a status changes once); the one-to-one column guards it anyway."""
    issued_on = timezone.localdate()
    if period_end is None:  # (a pro-rata charge names its own, shorter period)
        period_end = add_interval(period_start, subscription.plan.interval) - timedelta(days=1)
    gross = payment.amount
    rate, reverse_charge = subscription.vat_rate, subscription.reverse_charge
    snapshot = billing_snapshot(user=payment.user)
    if payment.user is not None:
        # The VAT treatment on the day of the invoice: a customer that no longer qualifies
        # for reverse charge (moved, or removed the VAT id) gets Dutch VAT within the amount
        # paid, never an invoice that says "btw verlegd" without grounds for it.
        decision = vat_decision(user=payment.user)
        rate, reverse_charge = decision.rate, decision.reverse_charge
        if (rate, reverse_charge) != (subscription.vat_rate, subscription.reverse_charge):
            logger.warning(
                "Invoice for payment %s: VAT treatment changed since subscription %s started",
                payment.pk,
                subscription.pk,
            )
        snapshot |= decision.snapshot()
    net = net_from_gross(gross, rate)
    with translation.override("nl"):  # the invoice is a Dutch document, whoever applied the payment
        description = description or f"{subscription.plan.billing_name} ({subscription.plan.get_interval_display()})"
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
        billing_snapshot=snapshot,
        seller_snapshot=dict(settings.COMPANY),
    )
    changes = {"number": [None, invoice.number], "amount_gross": [None, str(gross)]}
    if (rate, reverse_charge) != (subscription.vat_rate, subscription.reverse_charge):
        changes["vat_rate"] = [str(subscription.vat_rate), str(rate)]
    record(Action.INVOICE_ISSUED, system=System.MOLLIE, subject_id=payment.user_id, target=invoice, changes=changes)
    pdf_later(invoice)
    return invoice


# --- credit notes -------------------------------------------------------------------------


def credit_note_issue(payment: Payment, before: Decimal, after: Decimal) -> CreditNote | None:
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
        total_net = min(net_from_gross(total, invoice.vat_rate), invoice.amount_net)
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
        system=System.MOLLIE,
        subject_id=invoice.user_id,
        target=note,
        changes={
            "number": [None, note.number],
            "invoice": [None, invoice.number],
            "amount_gross": [None, str(note.amount_gross)],
        },
    )
    pdf_later(note)
    return note


# --- PDFs --------------------------------------------------------------------------------


class PdfIntegrityError(Exception):
    """A stored PDF no longer matches the SHA-256 recorded when it was stored."""


PDF_DOCUMENTS = {"invoice": Invoice, "creditnote": CreditNote}


def document_pdf(*, document: Invoice | CreditNote) -> bytes:
    """The PDF of an invoice or credit note: rendered once from the document's own row
    (never from the customer's profile of today), stored with its SHA-256, and from then on
    only served. The SHA-256 is also written into the audit trail when the PDF is stored,
    so a changed file would be noticed (:class:`PdfIntegrityError`)."""
    return _stored_file(
        document, field="pdf", render=invoice_pdf.render, action=Action.DOCUMENT_PDF_STORED, error=PdfIntegrityError
    )


# --- UBL e-invoices ------------------------------------------------------------------------


class UblIntegrityError(Exception):
    """A stored UBL document no longer matches the SHA-256 recorded when it was stored."""


def document_ubl(*, document: Invoice | CreditNote) -> bytes:
    """The UBL e-invoice (Peppol BIS Billing 3.0) of an invoice or credit note: built once
    from the document's own row and its stored PDF (embedded), stored with its SHA-256 (also
    written into the audit trail), and from then on only served, exactly like the PDF. So the
    file a customer downloads, gets mailed or exports is the one issued, whatever changes in
    the profile, the company settings or the builder afterwards (:class:`UblIntegrityError`
    when the stored bytes no longer match)."""
    return _stored_file(
        document,
        field="ubl",
        # the stored PDF (rendered now if that was lost too) is embedded in the UBL
        render=lambda locked: ubl.render(locked, pdf=document_pdf(document=locked)),
        action=Action.DOCUMENT_UBL_STORED,
        error=UblIntegrityError,
    )


# --- both: made once, stored with its SHA-256, then only served ----------------------------


def _stored_file(
    document: Invoice | CreditNote, *, field: str, render, action: Action, error: type[Exception]
) -> bytes:
    """The stored ``field`` ("pdf" or "ubl") of the document, made and stored on first use;
    ``error`` when the stored bytes no longer match their SHA-256."""
    model = type(document)
    stored, digest = model.objects.filter(pk=document.pk).values_list(field, f"{field}_sha256").get()
    if stored is None:
        return _store_file(model, document.pk, field=field, render=render, action=action)
    data = bytes(stored)
    if hashlib.sha256(data).hexdigest() != digest:
        raise error(f"{model._meta.label} {document.pk}: the stored {field.upper()} does not match its SHA-256")
    return data


@transaction.atomic
def _store_file(model: type[Invoice] | type[CreditNote], pk: int, *, field: str, render, action: Action) -> bytes:
    related = ("payment",) if model is Invoice else ("invoice__payment",)
    document = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    if getattr(document, field) is not None:  # made by someone else while we waited for the lock
        return bytes(getattr(document, field))
    data = render(document)
    digest = hashlib.sha256(data).hexdigest()
    setattr(document, field, data)
    setattr(document, f"{field}_sha256", digest)
    document.save(update_fields=[field, f"{field}_sha256"])
    record(
        action,
        system=System.BILLING,
        subject_id=document.user_id,
        target=document,
        changes={"number": [None, document.number], f"{field}_sha256": [None, digest]},
    )
    return data
