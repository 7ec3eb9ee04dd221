"""The invoice or credit note mailed as soon as its PDF and UBL e-invoice are stored (both
attached), exactly once, and the sweep that finds documents whose mail task was lost.

It goes to :func:`subscriptions.billing_contact.billing_recipient` (the confirmed billing
address, else the account's address), in the language the customer subscribed in.
``subscriptions.tasks.render_pdf`` queues ``mail_document`` once both are stored. (The
mails of cancelling and undoing it are sent by those services, ``cancellation``; dunning's
by ``dunning``.)
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from audit.events import Action
from audit.services import record
from core.formatting import euro
from core.mail import render_and_send
from subscriptions.billing_contact import billing_recipient
from subscriptions.einvoice.ubl import CONTENT_TYPE as UBL_CONTENT_TYPE
from subscriptions.models import CreditNote, Invoice, Subscription
from subscriptions.services.documents import PDF_DOCUMENTS, document_pdf, document_ubl

logger = logging.getLogger(__name__)


def _language(subscription: Subscription | None) -> str:
    return (subscription.language if subscription is not None else "") or settings.LANGUAGE_CODE


# --- invoices and credit notes --------------------------------------------------------------


def _locked_document(kind: str, pk: int) -> Invoice | CreditNote | None:
    model = PDF_DOCUMENTS[kind]
    related = ("payment__subscription__plan",) if model is Invoice else ("invoice__payment__subscription__plan",)
    return model.objects.select_for_update(of=("self",)).select_related("user", *related).filter(pk=pk).first()


@transaction.atomic
def document_mail_send(*, kind: str, pk: int) -> bool:
    """Mail the invoice or credit note with its stored PDF and UBL e-invoice attached, once.

    Under the document's row lock: a document already mailed is skipped (duplicate tasks,
    retries, a second webhook), else ``mailed_at`` and the audit event are written and the
    mail is sent, last, inside the same transaction: if sending fails, both are rolled back
    and the task retries. (Only a crash between a successful send and the commit could send
    it twice; nothing can close that window for SMTP.) True if it was sent now."""
    document = _locked_document(kind, pk)
    if document is None or document.mailed_at is not None:
        return False
    recipient = billing_recipient(user=document.user)
    if recipient is None:
        logger.info("%s %s: no address to mail it to", kind, pk)
        return False
    pdf = document_pdf(document=document)  # stored already (rendered now if the task was lost)
    ubl = document_ubl(document=document)  # likewise
    invoice = document if isinstance(document, Invoice) else document.invoice
    subscription = invoice.payment.subscription
    language = _language(subscription)
    document.mailed_at = timezone.now()
    document.save(update_fields=["mailed_at"])
    record(
        Action.DOCUMENT_MAILED,
        system="billing",
        subject_id=document.user_id,
        target=document,
        changes={"number": [None, document.number], "to": [None, str(recipient.kind)]},
    )
    with translation.override(language):
        context = {
            "name": recipient.name,
            "number": document.number,
            "invoice_number": invoice.number,
            "plan": subscription.plan.name,
            "amount": euro(abs(document.amount_gross)),
            "issued_on": formats.date_format(document.issued_on, "j F Y"),
            "period": (
                f"{formats.date_format(invoice.period_start, 'j F Y')} – {formats.date_format(invoice.period_end, 'j F Y')}"
            ),
            "invoice_url": settings.SITE_URL + reverse("subscriptions:invoice", args=[invoice.number]),
            "pdf_url": settings.SITE_URL
            + reverse(
                "subscriptions:invoice_pdf" if isinstance(document, Invoice) else "subscriptions:credit_note_pdf",
                args=[document.number],
            ),
            "ubl_url": settings.SITE_URL
            + reverse(
                "subscriptions:invoice_ubl" if isinstance(document, Invoice) else "subscriptions:credit_note_ubl",
                args=[document.number],
            ),
        }
    template = "invoice_mail" if isinstance(document, Invoice) else "credit_note_mail"
    render_and_send(
        f"subscriptions/email/{template}",
        to=[recipient.email],
        context=context,
        language=language,
        attachments=[(document.pdf_filename, pdf, "application/pdf"), (document.ubl_filename, ubl, UBL_CONTENT_TYPE)],
    )
    return True


# A document whose PDF or mail task was lost (broker down at the commit, worker gone for good)
# is picked up by the hourly sweep: issued at least SWEEP_AFTER ago (its own task has had its
# chance) and at most SWEEP_WINDOW ago (documents from before this feature are left alone).
SWEEP_AFTER = timedelta(minutes=15)
SWEEP_WINDOW = timedelta(days=2)


def unmailed_documents(*, now: datetime | None = None) -> list[tuple[str, int]]:
    """Invoices and credit notes issued in the sweep window and not mailed yet (reads only)."""
    now = now or timezone.now()
    window = {"mailed_at__isnull": True, "created_at__lte": now - SWEEP_AFTER, "created_at__gt": now - SWEEP_WINDOW}
    return [
        (kind, pk)
        for kind, model in PDF_DOCUMENTS.items()
        for pk in model.objects.filter(**window).order_by("pk").values_list("pk", flat=True)
    ]
