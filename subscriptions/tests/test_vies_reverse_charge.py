"""Reverse charge rests on VIES: only with a valid check younger than 30 days; otherwise
the business pays Dutch VAT and the invoice says why (issue 17 item 9). Tested a second
either side of the 30 days, through the sandbox's checkout and charges."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from accounts.services import profile_for
from mollie_sandbox import controls
from subscriptions import services
from subscriptions.models import Invoice, Subscription
from subscriptions.selectors import VatNote, vat_decision
from subscriptions.tests.conftest import checkout
from vies.models import VatCheck
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db

CHECKED = datetime(2027, 2, 1, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
VALID_UNTIL = CHECKED + timedelta(days=30)


@pytest.fixture
def belgian(customer):
    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Dupont SPRL", "BE0403170701", "BE"
    profile.full_name, profile.street, profile.postal_code, profile.city = "Jean Dupont", "Rue 1", "1000", "Brussel"
    profile.save()
    return type(customer).objects.get(pk=customer.pk)  # without a cached, older profile


def pdf_text(invoice: Invoice) -> str:
    reader = PdfReader(io.BytesIO(services.document_pdf(document=invoice)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_valid_check_counts_for_30_days_to_the_second(belgian):
    check = vies_confirmed(belgian, at=CHECKED)
    with time_machine.travel(VALID_UNTIL - timedelta(seconds=1), tick=False):
        decision = vat_decision(user=belgian)
        assert (decision.rate, decision.reverse_charge, decision.check) == (Decimal("0"), True, check)
    with time_machine.travel(VALID_UNTIL + timedelta(seconds=1), tick=False):
        decision = vat_decision(user=belgian)
        assert (decision.rate, decision.reverse_charge, decision.note) == (Decimal("21"), False, VatNote.EXPIRED)


@pytest.mark.parametrize(
    ("result", "note"), [(None, VatNote.UNCHECKED), ("unchecked", VatNote.UNCHECKED), ("invalid", VatNote.INVALID)]
)
def test_without_a_valid_check_a_business_elsewhere_in_the_eu_pays_dutch_vat(belgian, result, note):
    if result:
        VatCheck.objects.create(user=belgian, vat_id="BE0403170701", result=result, checked_at=timezone.now())
    decision = vat_decision(user=belgian)
    assert (decision.rate, decision.reverse_charge, decision.note) == (Decimal("21"), False, note)


def test_a_check_of_an_earlier_vat_id_does_not_count(belgian):
    vies_confirmed(belgian, vat_id="BE0123456749")
    assert vat_decision(user=belgian).note == VatNote.UNCHECKED


def test_the_invoice_carries_the_vies_proof_and_after_30_days_dutch_vat_with_the_reason(subscribe, belgian, logged_in):
    vies_confirmed(belgian, at=CHECKED, consultation="WAPIAAAAZ1B2C3D4")
    with time_machine.travel(CHECKED + timedelta(days=1), tick=False):
        response, payment = subscribe()
        assert payment.amount == Decimal("29.00")  # net: reverse charged
        checkout(response["Location"], "paid")
        first = Invoice.objects.get(payment=payment)
        assert first.reverse_charge and first.vat_amount == 0
        assert first.billing_snapshot["vies_consultation"] == "WAPIAAAAZ1B2C3D4"
        assert first.billing_snapshot["vies_checked_on"] == "2027-02-01"
        text = pdf_text(first)
        assert "btw verlegd" in text and "WAPIAAAAZ1B2C3D4" in text and "1 februari 2027" in text
        page = logged_in.get(f"/portal/abonnement/facturen/{first.number}/").content.decode()
        assert "geldig bevonden op 2027-02-01, raadplegingsnummer WAPIAAAAZ1B2C3D4" in page

    subscription = Subscription.objects.get(pk=payment.subscription_id)
    with time_machine.travel(VALID_UNTIL + timedelta(days=2), tick=False):  # the next month's charge
        charge = controls.charge(subscription.active_remote().mollie_id)
        later = Invoice.objects.get(payment__mollie_id=charge.id)
    assert not later.reverse_charge and later.vat_rate == Decimal("21")
    assert (later.amount_net, later.vat_amount, later.amount_gross) == (
        Decimal("23.97"),
        Decimal("5.03"),
        Decimal("29.00"),
    )
    assert later.billing_snapshot["vat_note"] == "vies_expired" and later.billing_snapshot["vies_consultation"] == ""
    text = " ".join(pdf_text(later).split())
    assert "Btw 21% berekend: btw-nummer afnemer BE0403170701 is niet in de laatste 30 dagen in VIES" in text
    # A new session at the real moment: the last page was asked for on 2 February 2027 (the
    # travel above), so from half an hour after that the idle timeout would end the session
    # (a login of the same user keeps the session's data, its last activity too).
    logged_in.logout()
    logged_in.force_login(belgian)
    response = logged_in.get(f"/portal/abonnement/facturen/{later.number}/")  # the page reads the row only
    assert response.status_code == 200
    page = response.content.decode()
    assert "niet in de laatste 30 dagen als geldig bevestigd door VIES" in page
    assert "btw verlegd / VAT reverse charged" not in text


def test_a_renewed_check_keeps_reverse_charge_on_the_next_charge(subscribe, belgian):
    vies_confirmed(belgian, at=CHECKED)
    with time_machine.travel(CHECKED + timedelta(days=1), tick=False):
        response, payment = subscribe()
        checkout(response["Location"], "paid")
    vies_confirmed(belgian, at=CHECKED + timedelta(days=26))  # the daily renewal
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    with time_machine.travel(VALID_UNTIL + timedelta(days=2), tick=False):
        charge = controls.charge(subscription.active_remote().mollie_id)
        later = Invoice.objects.get(payment__mollie_id=charge.id)
    assert later.reverse_charge and later.vat_amount == 0


def test_an_unchecked_business_subscribes_with_dutch_vat_and_the_invoice_says_why(subscribe, belgian, logged_in):
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "(btw verlegd)</p>" not in page and "€ 35,09" in page
    assert "niet de afgelopen 30 dagen als geldig bevestigd door VIES" in page
    response, payment = subscribe()
    assert payment.amount == Decimal("35.09")
    checkout(response["Location"], "paid")
    invoice = Invoice.objects.get(payment=payment)
    assert not invoice.reverse_charge and invoice.billing_snapshot["vat_note"] == "vies_unchecked"
    text = " ".join(pdf_text(invoice).split())
    assert "btw-nummer afnemer BE0403170701 kon niet in VIES worden gecontroleerd" in text
