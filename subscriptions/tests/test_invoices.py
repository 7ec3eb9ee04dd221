"""Invoices a Dutch customer and an auditor accept: one immutable PDF per invoice, and a
credit note (with its own immutable PDF) for every refund Mollie reports, exactly once.

Through the real client against the sandbox over HTTP; the PDFs are parsed with pypdf."""

from __future__ import annotations

import io
import random
import threading
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from accounts.services import profile_for
from audit.models import AuditEvent
from mollie_sandbox import controls, engine
from mollie_sandbox.models import SandboxObject, SandboxWebhook
from subscriptions import mollie, services
from subscriptions.models import CreditNote, Invoice, Payment, Subscription
from subscriptions.tests.conftest import checkout
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db

SELLER = {"kvk": "17123456", "vat_id": "NL861234567B01"}


@pytest.fixture(autouse=True)
def _company_ids(settings):
    settings.COMPANY = {**settings.COMPANY, **SELLER}


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def dutch_business(customer) -> None:
    profile = profile_for(customer)
    profile.full_name, profile.company_name, profile.kvk_number = "Anna de Vries", "De Vries Webwinkel B.V.", "12345678"
    profile.street, profile.postal_code, profile.city, profile.country = "Stationsplein 1", "5611AB", "Eindhoven", "NL"
    profile.save()


def belgian_business(customer) -> None:
    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Dupont SPRL", "BE0123456789", "BE"
    profile.full_name, profile.street, profile.postal_code, profile.city = (
        "Jean Dupont",
        "Rue Neuve 1",
        "1000",
        "Brussel",
    )
    profile.save()
    vies_confirmed(customer)  # reverse charge needs VIES's recent "valid"


@pytest.fixture
def paid(subscribe):
    """Subscribe and pay; returns the paid first payment."""

    def run(client=None) -> Payment:
        response, payment = subscribe(client)
        checkout(response["Location"], "paid")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        return payment

    return run


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    return response.content


# --- the invoice PDF -------------------------------------------------------------------------


def test_the_invoice_pdf_is_stored_at_issue_time_and_carries_what_dutch_law_asks(paid, customer, logged_in):
    dutch_business(customer)
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    # Rendered by the task queued on commit of the webhook's transaction, before any download.
    assert invoice.pdf is not None and len(invoice.pdf_sha256) == 64
    stored = AuditEvent.objects.get(action="payment.document_pdf_stored", target_id=str(invoice.pk))
    assert stored.changes["pdf_sha256"] == [None, invoice.pdf_sha256] and stored.subject_id == customer.pk

    response = logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/pdf/")
    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="factuur-{invoice.number}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-") and response.content == bytes(invoice.pdf)
    text = text_of(response.content)
    for expected in (
        invoice.number,
        "Factuur",
        "Codex Connectors B.V.",
        "Klokgebouw 253",
        "KvK: 17123456",
        "NL861234567B01",  # seller: name, address, KvK, VAT id
        "De Vries Webwinkel B.V.",
        "Stationsplein 1",
        "5611AB Eindhoven",  # customer
        "Exact koppeling Basis",
        "€ 29,00",
        "Btw / VAT 21%",
        "€ 6,09",
        "€ 35,09",
    ):
        assert expected in text, expected
    months = "januari februari maart april mei juni juli augustus september oktober november december".split()
    start, end = invoice.period_start, invoice.period_end
    assert f"{start.day} {months[start.month - 1]} {start.year} – {end.day} {months[end.month - 1]} {end.year}" in text
    assert f"{invoice.issued_on.day} {months[invoice.issued_on.month - 1]} {invoice.issued_on.year}" in text
    assert "verlegd" not in text


def test_a_reverse_charged_invoice_says_btw_verlegd_with_the_customers_vat_id(paid, customer, logged_in):
    belgian_business(customer)
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    text = text_of(download(logged_in, f"/portal/abonnement/facturen/{invoice.number}/pdf/"))
    assert "btw verlegd" in text and "BE0123456789" in text and "Dupont SPRL" in text and "België" in text
    assert "Btw / VAT 0%" in text and "€ 0,00" in text and "€ 29,00" in text


def test_every_download_serves_the_same_bytes_even_after_the_profile_and_company_changed(
    paid, customer, logged_in, settings
):
    dutch_business(customer)
    invoice = Invoice.objects.get(payment=paid())
    url = f"/portal/abonnement/facturen/{invoice.number}/pdf/"
    first = download(logged_in, url)
    profile = profile_for(customer)
    profile.company_name, profile.street = "Nieuwe Naam B.V.", "Andere Straat 9"
    profile.save()
    settings.COMPANY = {**settings.COMPANY, "name": "Overgenomen B.V.", "vat_id": "NL000000000B99"}
    second = download(logged_in, url)
    assert second == first
    text = text_of(second)
    assert "De Vries Webwinkel B.V." in text and "Nieuwe Naam" not in text and "Overgenomen" not in text
    assert AuditEvent.objects.filter(action="payment.document_pdf_stored", target_id=str(invoice.pk)).count() == 1


def test_a_pdf_whose_task_was_lost_is_rendered_once_on_the_first_download(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid())
    Invoice.objects.filter(pk=invoice.pk).update(pdf=None, pdf_sha256="")
    url = f"/portal/abonnement/facturen/{invoice.number}/pdf/"
    first = download(logged_in, url)
    assert download(logged_in, url) == first
    invoice.refresh_from_db()
    assert bytes(invoice.pdf) == first
    assert AuditEvent.objects.filter(action="payment.document_pdf_stored", target_id=str(invoice.pk)).count() == 2


def test_a_stored_pdf_that_was_changed_is_refused(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid())
    tampered = bytes(invoice.pdf).replace(b"/Title (Factuur", b"/Title (Faktuur")
    assert tampered != bytes(invoice.pdf)
    Invoice.objects.filter(pk=invoice.pk).update(pdf=tampered)
    with pytest.raises(services.PdfIntegrityError):
        logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/pdf/")


def test_the_overview_and_the_invoice_page_link_to_the_pdf(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid())
    link = f'href="/portal/abonnement/facturen/{invoice.number}/pdf/"'
    assert link in logged_in.get("/portal/abonnement/").content.decode()
    page = logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/").content.decode()
    assert link in page
    # Addresses as people write them: the postal code with its space, the country by name.
    assert "5611 AB Eindhoven<br>Nederland" in page and "5617 AC Eindhoven" in page
    assert f"{invoice.issued_on:%d-%m-%Y}" in logged_in.get("/portal/abonnement/").content.decode()  # a table


def test_someone_else_gets_404_for_my_invoice_and_credit_note_and_a_visitor_must_log_in(paid, make_user):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    controls.refund(payment.mollie_id, Decimal("5.00"))
    note = CreditNote.objects.get(invoice=invoice)
    intruder = Client()
    intruder.force_login(make_user("indringer"))
    urls = (
        f"/portal/abonnement/facturen/{invoice.number}/",
        f"/portal/abonnement/facturen/{invoice.number}/pdf/",
        f"/portal/abonnement/creditnota/{note.number}/pdf/",
    )
    for url in urls:
        assert intruder.get(url).status_code == HTTPStatus.NOT_FOUND, url
        anonymous = Client().get(url)
        assert anonymous.status_code == HTTPStatus.FOUND and "/accounts/login/" in anonymous["Location"]


HOSTILE = [
    "%00",
    "2026-00001%00",
    "..%2F..%2Fsettings",
    "2026-00001%27%20OR%20%271%27=%271",
    "9" * 5000,
    "2026-00001%20",
    "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-00001",  # full-width digits
    "%3Cscript%3E",
    "2026-000",
    "-1",
    "%F0%9F%92%A9",
]


@pytest.mark.parametrize("number", HOSTILE)
def test_hostile_numbers_are_404_never_500(logged_in, number):
    for url in (
        f"/portal/abonnement/facturen/{number}/",
        f"/portal/abonnement/facturen/{number}/pdf/",
        f"/portal/abonnement/creditnota/{number}/pdf/",
    ):
        assert logged_in.get(url).status_code == HTTPStatus.NOT_FOUND, url


# --- credit notes ----------------------------------------------------------------------------


def test_a_staff_refund_reported_by_webhook_gives_one_credit_note_for_the_whole_invoice(
    paid, customer, logged_in, staff_client
):
    dutch_business(customer)
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    admin, staff = staff_client
    admin.post("/admin/subscriptions/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]})
    note = CreditNote.objects.get()
    assert (note.amount_net, note.vat_amount, note.amount_gross) == (
        Decimal("-29.00"),
        Decimal("-6.09"),
        Decimal("-35.09"),
    )
    assert note.invoice == invoice and note.vat_rate == invoice.vat_rate and note.user == customer
    assert note.billing_snapshot == invoice.billing_snapshot and note.seller_snapshot == invoice.seller_snapshot
    assert (note.refunded_before, note.refunded_after) == (Decimal("0.00"), Decimal("35.09"))
    year = invoice.number[:4]
    assert note.number == f"{year}-{int(invoice.number[5:]) + 1:05d}"  # the same gapless series
    event = AuditEvent.objects.get(action="payment.credit_note_issued")
    assert event.subject_id == customer.pk and event.actor_kind == "system" and event.target_id == str(note.pk)
    assert event.changes["invoice"] == [None, invoice.number] and event.changes["amount_gross"] == [None, "-35.09"]
    assert (
        AuditEvent.objects.filter(action="payment.document_pdf_stored", target_type="subscriptions.creditnote").count()
        == 1
    )

    text = text_of(download(logged_in, f"/portal/abonnement/creditnota/{note.number}/pdf/"))
    for expected in (
        "Creditnota",
        note.number,
        invoice.number,
        "€ -29,00",
        "€ -6,09",
        "€ -35,09",
        "KvK: 17123456",
        "De Vries Webwinkel B.V.",
    ):
        assert expected in text, expected
    overview = logged_in.get("/portal/abonnement/").content.decode()
    assert f"/portal/abonnement/creditnota/{note.number}/pdf/" in overview and "€ -35,09" in overview
    page = logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/").content.decode()
    assert note.number in page and "€ -6,09" in page
    # Admin: listed with the invoice, downloadable, read-only.
    invoice_page = admin.get(f"/admin/subscriptions/invoice/{invoice.pk}/change/").content.decode()
    assert note.number in invoice_page and f"/admin/subscriptions/creditnote/{note.pk}/pdf/" in invoice_page
    response = admin.get(f"/admin/subscriptions/creditnote/{note.pk}/pdf/")
    assert response.status_code == HTTPStatus.OK and response.content == bytes(CreditNote.objects.get().pdf)
    assert admin.get(f"/admin/subscriptions/invoice/{invoice.pk}/pdf/").content == bytes(invoice.pdf)
    viewed = AuditEvent.objects.filter(
        action="admin.viewed", actor_id=staff.pk, subject_id=customer.pk, target_type="subscriptions.creditnote"
    )
    assert [event.changes for event in viewed] == [{"pdf": [None, note.pdf_filename]}]
    assert admin.get("/admin/subscriptions/creditnote/add/").status_code == HTTPStatus.FORBIDDEN
    change = admin.post(f"/admin/subscriptions/creditnote/{note.pk}/change/", {"amount_gross": "-1.00"})
    assert change.status_code == HTTPStatus.FORBIDDEN
    assert (
        admin.post(f"/admin/subscriptions/creditnote/{note.pk}/delete/", {"post": "yes"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    assert CreditNote.objects.get().amount_gross == Decimal("-35.09")


def test_a_refund_in_three_parts_gives_three_credit_notes_adding_up_to_the_invoice_exactly(paid):
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    controls.refund(payment.mollie_id, Decimal("10.00"))
    controls.refund(payment.mollie_id, Decimal("5.00"))
    notes = list(CreditNote.objects.order_by("number"))
    assert [(n.amount_net, n.vat_amount, n.amount_gross) for n in notes] == [
        (Decimal("-8.26"), Decimal("-1.74"), Decimal("-10.00")),  # 10.00 / 1.21 = 8.264 → 8.26
        (Decimal("-4.14"), Decimal("-0.86"), Decimal("-5.00")),  # 15.00 / 1.21 = 12.397 → 12.40 in all
    ]
    payment.refresh_from_db()
    assert -sum(n.amount_gross for n in notes) == payment.amount_refunded == Decimal("15.00")
    controls.refund(payment.mollie_id)  # the rest: 20.09
    notes = list(CreditNote.objects.order_by("number"))
    assert len(notes) == 3 and notes[2].amount_gross == Decimal("-20.09")
    assert -sum(n.amount_net for n in notes) == invoice.amount_net
    assert -sum(n.vat_amount for n in notes) == invoice.vat_amount
    assert -sum(n.amount_gross for n in notes) == invoice.amount_gross
    assert len({n.number for n in notes} | {invoice.number}) == 4
    assert AuditEvent.objects.filter(action="payment.credit_note_issued").count() == 3


def test_a_reverse_charged_refund_is_credited_at_zero_percent_with_btw_verlegd(paid, customer, logged_in):
    belgian_business(customer)
    payment = paid()
    controls.refund(payment.mollie_id, Decimal("12.34"))
    note = CreditNote.objects.get()
    assert (note.amount_net, note.vat_amount, note.amount_gross, note.reverse_charge) == (
        Decimal("-12.34"),
        Decimal("0.00"),
        Decimal("-12.34"),
        True,
    )
    text = text_of(download(logged_in, f"/portal/abonnement/creditnota/{note.number}/pdf/"))
    assert "btw verlegd" in text and "BE0123456789" in text and "€ -12,34" in text


def _deliver_concurrently(url: str, mollie_id: str, copies: int) -> None:
    import requests

    barrier = threading.Barrier(copies)
    answers: list[int] = []

    def send() -> None:
        barrier.wait()
        answers.append(requests.post(url + "/webhooks/mollie/", data={"id": mollie_id}, timeout=30).status_code)

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [HTTPStatus.OK] * copies


@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_ten_shuffled_and_concurrent_duplicate_deliveries_give_one_credit_note_per_refund_growth(paid, mollie_sandbox):
    payment = paid()
    # First growth: the refund's webhook held, nine duplicates beside it, released shuffled.
    controls.add_fault("webhook_hold", count=1)
    controls.refund(payment.mollie_id, Decimal("7.00"))
    held = SandboxWebhook.objects.get(status=SandboxWebhook.Status.HELD)
    for _ in range(9):
        SandboxWebhook.objects.create(object_id=held.object_id, url=held.url, status=SandboxWebhook.Status.HELD)
    assert engine.webhook_release_held(order="shuffle") == 10
    assert CreditNote.objects.count() == 1
    # Second growth: its own webhook lost, then ten deliveries at the same moment, and ten
    # applications of Mollie's answer racing each other for the payment's lock.
    controls.add_fault("webhook_drop", count=1)
    controls.refund(payment.mollie_id, Decimal("3.00"))
    assert CreditNote.objects.count() == 1
    _deliver_concurrently(mollie_sandbox.url, payment.mollie_id, 10)
    errors: list[BaseException] = []

    def apply() -> None:
        try:
            services.payment_sync(mollie_id=payment.mollie_id)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(10)]
    random.shuffle(threads)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    notes = list(CreditNote.objects.order_by("number"))
    assert [n.amount_gross for n in notes] == [Decimal("-7.00"), Decimal("-3.00")]
    assert [(n.refunded_before, n.refunded_after) for n in notes] == [
        (Decimal("0.00"), Decimal("7.00")),
        (Decimal("7.00"), Decimal("10.00")),
    ]
    assert AuditEvent.objects.filter(action="payment.credit_note_issued").count() == 2
    assert AuditEvent.objects.filter(action="payment.refunded", actor_kind="system").count() == 2


def test_a_stale_answer_arriving_after_a_newer_one_changes_nothing(paid):
    payment = paid()
    controls.add_fault("webhook_drop", count=2)
    controls.refund(payment.mollie_id, Decimal("4.00"))
    stale = mollie.payment_get(payment.mollie_id)  # says 4.00 refunded
    controls.refund(payment.mollie_id, Decimal("6.00"))
    services.payment_sync(mollie_id=payment.mollie_id)  # says 10.00
    services.payment_apply(remote=stale)  # delivered late
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    note = CreditNote.objects.get()  # one growth seen: 0 → 10
    assert (note.refunded_before, note.refunded_after, note.amount_gross) == (
        Decimal("0.00"),
        Decimal("10.00"),
        Decimal("-10.00"),
    )


def test_reconciliation_finds_a_refund_of_a_recurring_charge_whose_webhook_was_lost(paid):
    payment = paid()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    charge = controls.charge(subscription.active_remote().mollie_id)
    recurring = Invoice.objects.get(payment__mollie_id=charge.id)
    controls.add_fault("webhook_drop", count=1)
    controls.refund(charge.id, Decimal("35.09"))
    assert not CreditNote.objects.exists()
    services.reconcile()
    note = CreditNote.objects.get()
    assert note.invoice == recurring and note.amount_gross == Decimal("-35.09")
    services.reconcile()
    assert CreditNote.objects.count() == 1


def test_a_chargeback_is_not_a_credit_note(paid):
    payment = paid()
    controls.chargeback(payment.mollie_id)
    payment.refresh_from_db()
    assert payment.amount_charged_back == payment.amount
    assert not CreditNote.objects.exists()
    assert SandboxObject.objects.filter(kind="chargeback").count() == 1


@pytest.mark.parametrize(
    ("moment", "number"),
    [("2030-12-31 23:59:30 +01:00", "2030-00002"), ("2031-01-01 00:00:30 +01:00", "2031-00001")],
)
def test_a_credit_note_takes_the_number_of_the_year_it_is_issued_in(paid, moment, number):
    with time_machine.travel("2030-12-31 12:00 +01:00"):
        payment = paid()
    assert Invoice.objects.get(payment=payment).number == "2030-00001"
    with time_machine.travel(moment):
        controls.refund(payment.mollie_id, Decimal("1.00"))
    note = CreditNote.objects.get()
    assert note.number == number and note.issued_on.isoformat() == moment[:10]
