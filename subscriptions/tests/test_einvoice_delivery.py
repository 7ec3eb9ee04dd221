"""The UBL e-invoice reaches the customer wherever the PDF does: stored at issue time right
after the PDF, attached to the invoice and credit-note mails, downloadable in the portal
(owner only) and by staff in the admin (recorded), and in the data export ZIP beside the
PDFs. Always the stored bytes."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client

from audit.models import AuditEvent
from mollie_sandbox import controls
from retention import services as retention_services
from retention.models import DataExport
from subscriptions.einvoice.validation import validate
from subscriptions.models import CreditNote, Invoice, Payment
from subscriptions.tests.conftest import checkout
from subscriptions.tests.test_einvoices import SELLER, dutch_business

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _company_ids(settings):
    settings.COMPANY = {**settings.COMPANY, **SELLER}


@pytest.fixture
def issued(subscribe, customer):
    """A Dutch business subscribed and paid; then 10.00 of it refunded: (invoice, credit note)."""
    dutch_business(customer)
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    controls.refund(payment.mollie_id, Decimal("10.00"))
    return Invoice.objects.get(payment=payment), CreditNote.objects.get()


def test_the_ubl_is_stored_at_issue_time_right_after_the_pdf(issued):
    for document in issued:
        document.refresh_from_db()
        # Made by the task queued when the document was issued, before anyone asked for it.
        assert document.pdf is not None and document.ubl is not None
        assert (
            AuditEvent.objects.filter(
                action="payment.document_ubl_stored", target_type=document._meta.label_lower, target_id=str(document.pk)
            ).count()
            == 1
        )
        assert validate(bytes(document.ubl)).ok


def test_the_invoice_and_credit_note_mails_carry_the_stored_ubl_beside_the_pdf(issued, customer):
    invoice, note = issued
    invoice.refresh_from_db()
    note.refresh_from_db()
    for document, subject in ((invoice, f"Factuur {invoice.number} "), (note, f"Creditnota {note.number} ")):
        [message] = [m for m in mail.outbox if m.subject.startswith(subject)]
        assert message.to == [customer.email]
        files = {name: (content, kind) for name, content, kind in message.attachments}
        assert files[document.pdf_filename] == (bytes(document.pdf), "application/pdf")
        assert files[document.ubl_filename] == (bytes(document.ubl), "application/xml")
        kind = "facturen" if document is invoice else "creditnota"
        assert f"/portal/abonnement/{kind}/{document.number}/ubl/" in message.body
        assert "UBL-bestand in de bijlage" in message.body


def test_the_customer_downloads_the_stored_ubl_of_an_invoice_and_a_credit_note(issued, logged_in):
    invoice, note = issued
    for document, url in (
        (invoice, f"/portal/abonnement/facturen/{invoice.number}/ubl/"),
        (note, f"/portal/abonnement/creditnota/{note.number}/ubl/"),
    ):
        response = logged_in.get(url)

        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == f'attachment; filename="{document.ubl_filename}"'
        assert response["Cache-Control"] == "private, no-store"
        document.refresh_from_db()
        assert response.content == bytes(document.ubl)
    assert invoice.ubl_filename == f"factuur-{invoice.number}.xml"
    assert note.ubl_filename == f"creditnota-{note.number}.xml"


def test_the_overview_and_the_invoice_page_link_to_the_ubl(issued, logged_in):
    invoice, note = issued
    overview = logged_in.get("/portal/abonnement/").content.decode()
    page = logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/").content.decode()

    for html in (overview, page):
        assert f"/portal/abonnement/creditnota/{note.number}/ubl/" in html
    assert f"/portal/abonnement/facturen/{invoice.number}/ubl/" in overview
    assert f"/portal/abonnement/facturen/{invoice.number}/ubl/" in page
    assert f"Factuur {invoice.number} (UBL)" in overview and f"Factuur {invoice.number} downloaden (UBL)" in page


@pytest.mark.parametrize("number", ["2026-1", "../../etc", "2026-00001%00", "2026-" + "9" * 300])
def test_hostile_numbers_are_404_never_500(logged_in, number):
    for kind in ("facturen", "creditnota"):
        assert logged_in.get(f"/portal/abonnement/{kind}/{number}/ubl/").status_code == HTTPStatus.NOT_FOUND


def test_someone_else_gets_404_and_a_visitor_must_log_in(issued, make_user):
    invoice, note = issued
    other = Client()
    other.force_login(make_user("pietersen"))
    urls = (f"/portal/abonnement/facturen/{invoice.number}/ubl/", f"/portal/abonnement/creditnota/{note.number}/ubl/")
    for url in urls:
        assert other.get(url).status_code == HTTPStatus.NOT_FOUND
        response = Client().get(url)
        assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/accounts/login/")
        assert Client().post(url).status_code in (HTTPStatus.FOUND, HTTPStatus.METHOD_NOT_ALLOWED)


def test_staff_download_the_ubl_in_the_admin_and_each_download_is_recorded(issued, customer, staff_client):
    invoice, note = issued
    admin, staff = staff_client
    assert (
        f"/admin/subscriptions/invoice/{invoice.pk}/ubl/" in admin.get("/admin/subscriptions/invoice/").content.decode()
    )
    page = admin.get(f"/admin/subscriptions/invoice/{invoice.pk}/change/").content.decode()
    assert f"/admin/subscriptions/creditnote/{note.pk}/ubl/" in page  # in the credit notes inline

    for document, url in (
        (invoice, f"/admin/subscriptions/invoice/{invoice.pk}/ubl/"),
        (note, f"/admin/subscriptions/creditnote/{note.pk}/ubl/"),
    ):
        response = admin.get(url)
        assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/xml"
        document.refresh_from_db()
        assert response.content == bytes(document.ubl)
        viewed = AuditEvent.objects.filter(
            action="admin.viewed",
            actor_id=staff.pk,
            subject_id=customer.pk,
            target_type=document._meta.label_lower,
            target_id=str(document.pk),
        )
        # (opening the invoice's page is a view of its own)
        assert [e.changes for e in viewed if "ubl" in e.changes] == [{"ubl": [None, document.ubl_filename]}]
    assert admin.get("/admin/subscriptions/invoice/999999/ubl/").status_code == HTTPStatus.NOT_FOUND


def test_the_data_export_zip_holds_every_invoice_and_credit_note_as_pdf_and_ubl(issued, customer):
    invoice, note = issued
    for document in issued:
        document.refresh_from_db()

    export = retention_services.export_request(user=customer)
    retention_services.export_build(export_id=str(export.pk))

    export = DataExport.objects.get(pk=export.pk)
    from retention.personal_data import export_storage_name

    with default_storage.open(export_storage_name(export.file_name)) as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    for document in (invoice, note):
        assert archive.read(f"billing/{document.pdf_filename}") == bytes(document.pdf)
        assert archive.read(f"billing/{document.ubl_filename}") == bytes(document.ubl)
    assert sorted(name for name in archive.namelist() if name.startswith("billing/")) == sorted(
        f"billing/{name}" for document in (invoice, note) for name in (document.pdf_filename, document.ubl_filename)
    )
    assert "billing.json" in archive.namelist()
