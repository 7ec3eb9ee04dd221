"""The invoice snapshot holds what the invoice shows of the customer (name, company,
address, VAT id, KvK) and nothing more: no e-mail address and no username, also not in
invoices issued before this rule (a data migration removed them, the stored PDFs kept as
issued). The invoices themselves stay for seven years: the export and "Wat wij bewaren"
show them until the account goes, and they survive its erasure."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.test import Client

from accounts import services as account_services
from accounts.personal_data import ACCOUNT_PERIOD
from accounts.services import profile_for
from audit.verification import verify
from retention import selectors as retention_selectors
from retention import services as retention
from retention.tests.test_nothing_left import places_holding
from subscriptions import services
from subscriptions.models import Invoice, Payment
from subscriptions.selectors import INVOICE_SNAPSHOT_FIELDS, INVOICE_VAT_FIELDS
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db

USERNAME = "kwikstaart7781"
EMAIL = "kwikstaart.post@voorbeeld.nl"


@pytest.fixture
def customer(make_user):
    user = make_user(USERNAME, email=EMAIL)
    profile = profile_for(user)
    profile.full_name, profile.company_name, profile.kvk_number = "Bram Ouwehand", "Ouwehand Tuinen B.V.", "87654321"
    profile.save()
    return user


def _paid_invoice(subscribe) -> Invoice:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    return Invoice.objects.get(payment=payment)


def test_a_new_invoice_snapshot_holds_name_company_address_vat_id_and_kvk_only(subscribe, customer):
    invoice = _paid_invoice(subscribe)
    snapshot = invoice.billing_snapshot
    assert set(snapshot) == set(INVOICE_SNAPSHOT_FIELDS) | set(INVOICE_VAT_FIELDS)
    assert snapshot["name"] == "Ouwehand Tuinen B.V." and snapshot["company"] == "Ouwehand Tuinen B.V."
    assert snapshot["street"] == "Stationsplein 1" and snapshot["kvk"] == "87654321"
    assert EMAIL not in str(snapshot) and USERNAME not in str(snapshot)


def _sandbox_free(places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Where we keep a value (the sandbox's tables stand for Mollie's own storage)."""
    return [place for place in places if not place[0].startswith("mollie_sandbox")]


def test_the_invoice_is_shown_until_erasure_and_kept_after_it_without_email_or_username(subscribe, customer):
    invoice = _paid_invoice(subscribe)
    client = Client()
    client.force_login(customer)
    page = client.get("/portal/mijn-gegevens/").content.decode()
    assert "Abonnement, betalingen en facturen" in page and "zeven jaar" in page
    closed = invoice.payment.paid_at + timedelta(days=1)
    with time_machine.travel(closed, tick=False):
        account_services.account_close(user=customer, by=customer)
    erased_from = ACCOUNT_PERIOD.ends_at(closed)

    with time_machine.travel(erased_from - timedelta(seconds=1), tick=False):
        retention.enforce()
        exported = retention_selectors.export_data(user=customer)["billing"]
        assert [i["number"] for i in exported["invoices"]] == [invoice.number]
        assert exported["invoices"][0]["billing_snapshot"]["name"] == "Ouwehand Tuinen B.V."

    with time_machine.travel(erased_from, tick=False):
        retention.enforce()
    invoice.refresh_from_db()
    assert invoice.user_id is None and invoice.billing_snapshot["name"] == "Ouwehand Tuinen B.V."
    assert invoice.pdf_sha256 and services.document_pdf(document=invoice)[:4] == b"%PDF"
    for value in (EMAIL, USERNAME):
        assert _sandbox_free(places_holding(value)) == [], value


def test_the_data_migration_removes_email_and_username_from_issued_snapshots_and_keeps_the_pdf(subscribe, customer):
    invoice = _paid_invoice(subscribe)
    services.document_pdf(document=invoice)
    old = {**invoice.billing_snapshot, "email": EMAIL, "username": USERNAME}
    Invoice.objects.filter(pk=invoice.pk).update(billing_snapshot=old)
    invoice.refresh_from_db()
    pdf, digest = bytes(invoice.pdf), invoice.pdf_sha256

    migration = importlib.import_module("subscriptions.migrations.0007_invoice_snapshots_without_email_and_username")
    migration.drop_email_and_username(apps, None)

    invoice.refresh_from_db()
    assert invoice.billing_snapshot == {k: v for k, v in old.items() if k not in ("email", "username")}
    assert bytes(invoice.pdf) == pdf and invoice.pdf_sha256 == digest
    assert services.document_pdf(document=invoice) == pdf  # the integrity check still passes
    report = verify()
    assert report.ok, report.problem
