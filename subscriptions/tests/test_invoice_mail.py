"""The invoice (and credit note) mail: sent once the PDF is stored, with that PDF attached
and a link to it in the portal, exactly once per document whatever webhooks and tasks
repeat. In-process Celery here; test_invoice_mail_worker.py runs it on a real worker."""

from __future__ import annotations

import hashlib
import smtplib
import threading
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import Profile
from audit.models import AuditEvent
from mollie_sandbox import controls
from portal.testing.browser import mail_links
from subscriptions import services, tasks
from subscriptions.models import CreditNote, Invoice, Payment, Subscription
from subscriptions.services import notifications
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(subscribe):
    def run(client=None, language: str = "") -> Payment:
        response, payment = subscribe(client)
        if language:
            Subscription.objects.filter(pk=payment.subscription_id).update(language=language)
        checkout(response["Location"], "paid")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        return payment

    return run


def invoice_mails(number: str) -> list:
    return [m for m in mail.outbox if number in m.subject and m.subject.startswith(("Factuur", "Invoice"))]


def pdf_attachment(message) -> tuple[str, bytes]:
    (attachment,) = [a for a in message.attachments if a[2] == "application/pdf"]
    return attachment[0], attachment[1]


def test_it_mails_the_invoice_with_its_stored_pdf_once_the_payment_is_paid(paid, customer):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    (message,) = invoice_mails(invoice.number)
    assert message.to == [customer.email]
    assert message.subject == f"Factuur {invoice.number} voor Exact koppeling"
    assert message.body.startswith("Beste Klant jansen,")  # the profile's full name
    assert "Bedankt voor uw betaling" in message.body and "€ 35,09" in message.body
    filename, content = pdf_attachment(message)
    assert filename == f"factuur-{invoice.number}.pdf"
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == invoice.pdf_sha256
    invoice.refresh_from_db()
    assert invoice.mailed_at is not None
    event = AuditEvent.objects.get(action="payment.document_mailed", target_id=str(invoice.pk))
    assert event.changes == {"number": [None, invoice.number], "to": [None, "account_email"]}
    assert event.subject_id == customer.pk


def test_the_links_in_the_mail_open_that_pdf_for_the_owner_only(paid, logged_in, make_user):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    (message,) = invoice_mails(invoice.number)
    _filename, attached = pdf_attachment(message)
    pdf_link = next(link for link in mail_links(message) if link.endswith("/pdf/"))
    page_link = next(link for link in mail_links(message) if link.endswith(f"/facturen/{invoice.number}/"))
    path = pdf_link.split("://", 1)[1].split("/", 1)[1]
    response = logged_in.get("/" + path)
    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/pdf"
    assert response.content == attached
    assert invoice.number in logged_in.get("/" + page_link.split("://", 1)[1].split("/", 1)[1]).content.decode()
    other = Client()
    other.force_login(make_user("buurman"))
    assert other.get("/" + path).status_code == HTTPStatus.NOT_FOUND
    anonymous = Client().get("/" + path)
    assert anonymous.status_code == HTTPStatus.FOUND and "/accounts/login/" in anonymous["Location"]


def test_duplicated_webhooks_and_repeated_tasks_mail_the_invoice_once(paid):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    webhook = Client()
    for _ in range(5):
        assert webhook.post("/webhooks/mollie/", {"id": payment.mollie_id}).status_code == HTTPStatus.OK
    for _ in range(3):
        tasks.render_pdf.delay("invoice", invoice.pk)
        tasks.mail_document.delay("invoice", invoice.pk)
    assert len(invoice_mails(invoice.number)) == 1
    assert Invoice.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.document_mailed").count() == 1


def test_concurrent_mail_tasks_for_one_invoice_send_one_mail(paid):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    Invoice.objects.filter(pk=invoice.pk).update(mailed_at=None)  # as if not mailed yet
    mail.outbox.clear()
    results, barrier = [], threading.Barrier(8)

    def send() -> None:
        try:
            barrier.wait()
            results.append(notifications.document_mail_send(kind="invoice", pk=invoice.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert len(invoice_mails(invoice.number)) == 1


def test_a_failed_send_changes_nothing_and_the_retry_mails_once(paid, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    Invoice.objects.filter(pk=invoice.pk).update(mailed_at=None)
    mail.outbox.clear()
    real_send = EmailMultiAlternatives.send

    def broken(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("relay went away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.document_mail_send(kind="invoice", pk=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.mailed_at is None and mail.outbox == []
    assert AuditEvent.objects.filter(action="payment.document_mailed").count() == 1  # only the first send's
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert notifications.document_mail_send(kind="invoice", pk=invoice.pk) is True
    assert notifications.document_mail_send(kind="invoice", pk=invoice.pk) is False
    assert len(invoice_mails(invoice.number)) == 1
    # (SMTP errors are OSErrors: the Celery task retries on them.)
    assert issubclass(smtplib.SMTPServerDisconnected, tasks.mail_document.autoretry_for)


def test_a_refund_mails_its_credit_note_with_its_pdf_once(paid, customer):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    Profile.objects.filter(user=customer).update(full_name="")  # no name: greeted by username
    controls.refund(payment.mollie_id, Decimal("10.00"))
    for _ in range(3):  # the refund's webhook, repeated
        services.payment_sync(mollie_id=payment.mollie_id)
    note = CreditNote.objects.get(invoice=invoice)
    mails = [m for m in mail.outbox if m.subject.startswith("Creditnota")]
    assert len(mails) == 1
    (message,) = mails
    assert message.to == [customer.email]
    assert message.subject == f"Creditnota {note.number} bij factuur {invoice.number}"
    assert message.body.startswith("Beste jansen,")
    assert "€ 10,00" in message.body
    filename, content = pdf_attachment(message)
    note.refresh_from_db()
    assert filename == f"creditnota-{note.number}.pdf"
    assert hashlib.sha256(content).hexdigest() == note.pdf_sha256 and note.mailed_at is not None


def test_a_customer_who_subscribed_in_english_gets_the_mail_in_english(paid):
    payment = paid(language="en")
    invoice = Invoice.objects.get(payment=payment)
    (message,) = invoice_mails(invoice.number)
    assert message.subject == f"Invoice {invoice.number} for Exact koppeling"
    assert "Thank you for your payment" in message.body
    assert message.body.startswith("Dear Klant jansen,") and "€ 35.09" in message.body


def test_the_hourly_sweep_mails_what_a_lost_task_left_once_and_only_inside_its_window(paid, settings):
    from datetime import timedelta

    from django.utils import timezone

    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    issued = timezone.now()
    Invoice.objects.filter(pk=invoice.pk).update(mailed_at=None, created_at=issued)  # its mail task was lost
    mail.outbox.clear()
    assert notifications.unmailed_documents(now=issued + timedelta(minutes=15) - timedelta(seconds=1)) == []
    assert notifications.unmailed_documents(now=issued + timedelta(days=2)) == []
    assert notifications.unmailed_documents(now=issued + timedelta(days=2) - timedelta(seconds=1)) == [
        ("invoice", invoice.pk)
    ]
    import time_machine

    with time_machine.travel(issued + timedelta(minutes=15), tick=False):
        assert tasks.mail_unsent_documents.delay().get() == 1
        assert tasks.mail_unsent_documents.delay().get() == 0  # mailed: nothing more to do
    assert len(invoice_mails(invoice.number)) == 1
    assert (
        settings.CELERY_BEAT_SCHEDULE["billing-unmailed-documents"]["task"]
        == "subscriptions.tasks.mail_unsent_documents"
    )
