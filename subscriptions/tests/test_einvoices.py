"""Every kind of document we issue is also a UBL e-invoice that the official rules accept:
EN 16931 (CEN) and Peppol BIS Billing 3.0 with its Dutch rules, run offline from the vendored
artefacts (``subscriptions/einvoice/validation.py``).

The documents are issued the way they are in production: a customer subscribes and pays in
the Mollie sandbox's checkout (the webhook issues the invoice), staff refund through the
admin or Mollie reports a refund (the credit note), a customer upgrades (the pro-rata
charge's invoice). Nothing here is hand-made XML."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from lxml import etree

from accounts.services import profile_for
from audit.models import AuditEvent
from mollie_sandbox import controls
from subscriptions import services
from subscriptions.einvoice import ubl
from subscriptions.einvoice.validation import RULES_DIR, Report, validate
from subscriptions.models import CreditNote, Invoice, Payment, Plan, Subscription
from subscriptions.tests.conftest import checkout
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db

SELLER = {"kvk": "17123456", "vat_id": "NL861234567B01"}
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@pytest.fixture(autouse=True)
def _company_ids(settings):
    settings.COMPANY = {**settings.COMPANY, **SELLER}


def _profile(user, **fields) -> None:
    profile = profile_for(user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()


def dutch_business(user) -> None:
    _profile(
        user,
        full_name="Anna de Vries",
        company_name="De Vries Webwinkel B.V.",
        kvk_number="12345678",
        vat_id="NL004495445B01",
        street="Stationsplein 1",
        postal_code="5611AB",
        city="Eindhoven",
        country="NL",
    )


def belgian_business(user) -> None:
    _profile(
        user,
        full_name="Jean Dupont",
        company_name="Dupont SPRL",
        vat_id="BE0403170701",
        street="Rue Neuve 1",
        postal_code="1000",
        city="Brussel",
        country="BE",
    )
    vies_confirmed(user)  # reverse charge needs VIES's recent "valid"


@pytest.fixture
def paid(subscribe):
    """Subscribe and pay in the sandbox's checkout; returns the paid first payment."""

    def run() -> Payment:
        response, payment = subscribe()
        checkout(response["Location"], "paid")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        return payment

    return run


def passes(data: bytes) -> Report:
    """The official rules accept the document: no fatal assert, and no warning either (every
    warning we met was ours to fix; see docs/billing.md, "E-invoices (UBL)")."""
    report = validate(data)
    assert report.ok, str(report)
    assert report.findings == (), str(report)
    return report


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def text(root: etree._Element, path: str) -> str:
    [value] = root.xpath(path, namespaces=NS)
    return value if isinstance(value, str) else value.text


# --- the kinds we issue ------------------------------------------------------------------------


def test_a_domestic_invoice_at_21_percent_passes_and_says_what_the_pdf_says(paid, customer):
    dutch_business(customer)
    invoice = Invoice.objects.get(payment=paid())

    data = services.document_ubl(document=invoice)

    passes(data)
    root = xml(data)
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert text(root, "cbc:ID") == invoice.number and text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:IssueDate") == invoice.issued_on.isoformat()
    assert text(root, "cac:InvoicePeriod/cbc:StartDate") == invoice.period_start.isoformat()
    assert text(root, "cac:InvoicePeriod/cbc:EndDate") == invoice.period_end.isoformat()
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert text(root, seller + "cbc:EndpointID") == "17123456"
    assert text(root, seller + "cbc:EndpointID/@schemeID") == "0106"
    assert text(root, seller + "cac:PartyLegalEntity/cbc:CompanyID") == "17123456"
    assert text(root, seller + "cac:PartyTaxScheme/cbc:CompanyID") == "NL861234567B01"
    assert text(root, seller + "cac:PostalAddress/cbc:StreetName") == "Klokgebouw 253"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, buyer + "cac:PartyLegalEntity/cbc:RegistrationName") == "De Vries Webwinkel B.V."
    assert text(root, buyer + "cac:PartyLegalEntity/cbc:CompanyID") == "12345678"
    assert text(root, buyer + "cbc:EndpointID") == "12345678"
    assert text(root, buyer + "cac:PartyTaxScheme/cbc:CompanyID") == "NL004495445B01"
    assert text(root, buyer + "cac:PostalAddress/cbc:PostalZone") == "5611AB"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "S"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "21"
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "6.09"
    totals = "cac:LegalMonetaryTotal/"
    assert text(root, totals + "cbc:TaxExclusiveAmount") == "29.00"
    assert text(root, totals + "cbc:TaxInclusiveAmount") == "35.09"
    assert text(root, totals + "cbc:PrepaidAmount") == "35.09"  # paid through Mollie before it was issued
    assert text(root, totals + "cbc:PayableAmount") == "0.00"
    assert text(root, "cac:InvoiceLine/cac:Item/cbc:Name") == invoice.description
    assert invoice.payment.mollie_id in text(root, "cac:PaymentTerms/cbc:Note")
    # No reference of the customer's own yet: the buyer reference is the invoice number.
    assert text(root, "cbc:BuyerReference") == invoice.number
    # The stored PDF travels inside, so a bookkeeping package shows the invoice as issued.
    attachment = root.xpath(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", namespaces=NS
    )
    [pdf] = attachment
    assert pdf.get("mimeCode") == "application/pdf" and pdf.get("filename") == invoice.pdf_filename
    invoice.refresh_from_db()
    assert base64.b64decode(pdf.text) == bytes(invoice.pdf)


def test_an_eu_reverse_charge_invoice_is_category_ae_at_zero_with_the_exemption_reason(paid, customer):
    belgian_business(customer)
    invoice = Invoice.objects.get(payment=paid())
    assert invoice.reverse_charge and invoice.vat_amount == 0

    data = services.document_ubl(document=invoice)

    passes(data)
    root = xml(data)
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/"
    assert text(root, category + "cbc:ID") == "AE" and text(root, category + "cbc:Percent") == "0"
    assert text(root, category + "cbc:TaxExemptionReasonCode") == "VATEX-EU-AE"
    assert text(root, category + "cbc:TaxExemptionReason") == "Btw verlegd / VAT reverse charged"
    assert text(root, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == "AE"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, buyer + "cac:PartyTaxScheme/cbc:CompanyID") == "BE0403170701"
    # Belgian companies are on Peppol under their enterprise number: the VAT id's digits.
    assert (text(root, buyer + "cbc:EndpointID/@schemeID"), text(root, buyer + "cbc:EndpointID")) == (
        "0208",
        "0403170701",
    )
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "0.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "29.00"


def test_a_full_refund_by_staff_gives_a_credit_note_naming_its_invoice_that_passes(paid, customer, staff_client):
    dutch_business(customer)
    payment = paid()
    invoice = Invoice.objects.get(payment=payment)
    admin, _staff = staff_client
    admin.post("/admin/subscriptions/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]})
    note = CreditNote.objects.get()

    data = services.document_ubl(document=note)

    passes(data)
    root = xml(data)
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
    assert text(root, "cbc:ID") == note.number and text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == invoice.number
    assert (
        text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == invoice.issued_on.isoformat()
    )
    # A UBL credit note states what is credited as positive amounts.
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "29.00"
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "6.09"
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "35.09"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "0.00"  # refunded already
    assert text(root, "cac:CreditNoteLine/cbc:CreditedQuantity") == "1"
    assert text(root, "cac:CreditNoteLine/cac:Item/cbc:Name") == f"Terugbetaling / Refund: {invoice.description}"
    assert text(root, "cbc:BuyerReference") == invoice.number


def test_a_refund_in_three_parts_gives_three_credit_notes_that_each_pass(paid, customer):
    dutch_business(customer)
    payment = paid()
    controls.refund(payment.mollie_id, Decimal("10.00"))
    controls.refund(payment.mollie_id, Decimal("5.00"))
    controls.refund(payment.mollie_id)  # the rest: 20.09
    notes = list(CreditNote.objects.order_by("number"))
    assert len(notes) == 3

    for note in notes:
        root = xml(services.document_ubl(document=note))
        passes(etree.tostring(root))
        assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == f"{-note.amount_gross:.2f}"
        assert text(root, "cac:TaxTotal/cbc:TaxAmount") == f"{-note.vat_amount:.2f}"


def test_a_reverse_charged_partial_refund_passes(paid, customer):
    belgian_business(customer)
    payment = paid()
    controls.refund(payment.mollie_id, Decimal("12.34"))
    note = CreditNote.objects.get()

    root = xml(services.document_ubl(document=note))

    passes(etree.tostring(root))
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "AE"
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "12.34"


def test_the_pro_rata_charge_of_an_upgrade_passes(mollie_sandbox, customer, plan):
    dutch_business(customer)
    premium = Plan.objects.create(name="Premium", price=Decimal("49.00"), interval=Plan.Interval.MONTH)

    def client() -> Client:  # a fresh login each time (an idle session ends after 30 minutes)
        logged_in = Client()
        logged_in.force_login(customer)
        return logged_in

    with time_machine.travel(timezone.make_aware(datetime.combine(date(2027, 3, 1), time(10)))):
        checkout(client().post(f"/portal/abonnement/afsluiten/{plan.pk}/")["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    with time_machine.travel(timezone.make_aware(datetime.combine(date(2027, 3, 11), time(10)))):
        session = client()
        confirm = f"/portal/abonnement/{subscription.pk}/abonnementsvorm/{premium.pk}/bevestigen/"
        quote = re.search(r'name="quote" value="([0-9a-f]{32})"', session.get(confirm).content.decode()).group(1)
        response = session.post(confirm, {"confirm": "ja", "quote": quote}, follow=True)
        assert "Uw abonnement is gewijzigd naar Premium." in response.content.decode()
    invoice = Invoice.objects.get(payment__purpose=Payment.Purpose.PRORATION)

    root = xml(services.document_ubl(document=invoice))

    passes(etree.tostring(root))
    # 21 of 31 days of (49 - 29): 13.55 net, 2.85 VAT (docs/billing.md, "Changing plan")
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "13.55"
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "2.85"
    assert (text(root, "cac:InvoicePeriod/cbc:StartDate"), text(root, "cac:InvoicePeriod/cbc:EndDate")) == (
        "2027-03-11",
        "2027-03-31",
    )
    assert "pro rata" in text(root, "cac:InvoiceLine/cac:Item/cbc:Name")


def test_a_customer_without_kvk_number_or_vat_id_has_no_peppol_address_and_only_that_rule_fails(paid, customer):
    """A private customer (name and address only) is on no Peppol network: no electronic
    address is invented, so Peppol's R010 is the one rule that fails (docs/billing.md)."""
    invoice = Invoice.objects.get(payment=paid())
    assert not invoice.billing_snapshot["kvk"] and not invoice.billing_snapshot["vat_id"]

    report = validate(services.document_ubl(document=invoice))

    assert report.ids() == ["PEPPOL-EN16931-R010"], str(report)


# --- stored once, never changed ----------------------------------------------------------------


def test_the_ubl_is_stored_once_with_its_sha256_in_the_audit_trail(paid, customer):
    dutch_business(customer)
    invoice = Invoice.objects.get(payment=paid())

    first = services.document_ubl(document=invoice)
    second = services.document_ubl(document=invoice)

    invoice.refresh_from_db()
    assert first == second == bytes(invoice.ubl)
    assert invoice.ubl_sha256 == hashlib.sha256(first).hexdigest()
    [event] = AuditEvent.objects.filter(action="payment.document_ubl_stored", target_id=str(invoice.pk))
    assert event.changes == {"number": [None, invoice.number], "ubl_sha256": [None, invoice.ubl_sha256]}
    assert event.subject_id == customer.pk and event.actor_kind == "system"


def test_the_same_bytes_come_back_after_the_profile_and_the_company_details_changed(paid, customer, settings):
    dutch_business(customer)
    invoice = Invoice.objects.get(payment=paid())
    issued = services.document_ubl(document=invoice)

    _profile(customer, company_name="Andere Naam B.V.", street="Markt 9", kvk_number="87654321")
    settings.COMPANY = {**settings.COMPANY, "name": "Nieuwe Naam B.V.", "kvk": "99999999"}

    assert services.document_ubl(document=Invoice.objects.get(pk=invoice.pk)) == issued
    assert b"Andere Naam" not in issued and b"Nieuwe Naam" not in issued


def test_the_builder_makes_the_same_bytes_from_the_same_row(paid, customer):
    dutch_business(customer)
    invoice = Invoice.objects.get(payment=paid())
    stored = services.document_ubl(document=invoice)
    invoice = Invoice.objects.select_related("payment").get(pk=invoice.pk)

    assert ubl.render(invoice, pdf=bytes(invoice.pdf)) == stored


def test_a_stored_ubl_that_was_changed_is_refused(paid, customer):
    invoice = Invoice.objects.get(payment=paid())
    data = services.document_ubl(document=invoice)
    Invoice.objects.filter(pk=invoice.pk).update(ubl=data.replace(b"35.09", b"3.509"))

    with pytest.raises(services.UblIntegrityError):
        services.document_ubl(document=invoice)


# --- the rules do check our documents ---------------------------------------------------------


def test_our_credit_note_without_its_invoice_reference_would_break_the_dutch_rules(paid, customer):
    dutch_business(customer)
    payment = paid()
    controls.refund(payment.mollie_id, Decimal("10.00"))
    root = xml(services.document_ubl(document=CreditNote.objects.get()))
    root.remove(root.find("cac:BillingReference", NS))

    report = validate(etree.tostring(root))

    assert "NL-R-001" in report.ids(flag="fatal")


def test_our_invoice_with_a_foreign_currency_on_an_amount_is_refused(paid, customer):
    dutch_business(customer)
    root = xml(services.document_ubl(document=Invoice.objects.get(payment=paid())))
    root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).set("currencyID", "USD")

    assert validate(etree.tostring(root)).ids(flag="fatal") == ["PEPPOL-EN16931-R051"]


def _child_order(tree: etree._Element) -> dict[str, list[str]]:
    """For each element name: the order in which its children's names first appear."""
    order: dict[str, list[str]] = {}
    for element in tree.iter():
        names = order.setdefault(etree.QName(element).localname, [])
        for child in element:
            name = etree.QName(child).localname
            if name not in names:
                names.append(name)
    return order


def test_the_element_order_follows_peppols_own_examples(paid, customer, staff_client):
    """No UBL 2.1 schema is vendored (see rules/README.md), so the order of elements is
    checked against Peppol's schema-valid examples: wherever both have two children of the
    same parent, they come in the same order."""
    dutch_business(customer)
    payment = paid()
    controls.refund(payment.mollie_id, Decimal("10.00"))
    ours = [
        xml(services.document_ubl(document=Invoice.objects.get(payment=payment))),
        xml(services.document_ubl(document=CreditNote.objects.get())),
    ]
    examples = [etree.parse(str(path)).getroot() for path in sorted((RULES_DIR / "examples").glob("*.xml"))]
    reference: dict[str, list[str]] = {}
    for example in examples:
        for parent, names in _child_order(example).items():
            known = reference.setdefault(parent, [])
            known.extend(name for name in names if name not in known)

    compared = 0
    for document in ours:
        for parent, names in _child_order(document).items():
            known = [name for name in reference.get(parent, []) if name in names]
            mine = [name for name in names if name in known]
            assert mine == known, f"{parent}: {mine} (ours) vs {known} (Peppol's examples)"
            compared += len(mine)
    assert compared > 60  # most of what we write appears in the examples


# --- the buyer's electronic address ------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "endpoint"),
    [
        ({"kvk": "12345678", "vat_id": "NL004495445B01"}, ("0106", "12345678")),
        ({"kvk": "", "vat_id": "NL004495445B01"}, ("9944", "NL004495445B01")),
        ({"kvk": "", "vat_id": "BE0403170701"}, ("0208", "0403170701")),
        ({"kvk": "", "vat_id": "DE 136 695 976"}, ("9930", "DE136695976")),
        ({"kvk": "", "vat_id": "SE556036079301"}, ("0007", "5560360793")),
        ({"kvk": "", "vat_id": "EL094259216"}, ("9933", "EL094259216")),
        ({"kvk": "", "vat_id": "XX123"}, None),
        ({"kvk": "", "vat_id": ""}, None),
        ({}, None),
    ],
)
def test_the_buyers_electronic_address_comes_from_its_kvk_number_or_vat_id(snapshot, endpoint):
    assert ubl.buyer_endpoint(snapshot) == endpoint


# --- the customer's own reference (uw referentie / PO-nummer) ---------------------------------


def _profile_form(customer, **changes) -> dict:
    from accounts.models import Profile

    profile = profile_for(customer)
    data = {field: getattr(profile, field) for field in Profile.AUDITED_FIELDS}
    data = {k: ("on" if v is True else "" if v is False else str(v)) for k, v in data.items()}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("<b>PO</b>", "Gebruik geen &lt; &gt; { } of \\ in dit veld."),
        ("PO\u202e1234", "Dit veld bevat onzichtbare of ongeldige tekens."),
        ("P" * 36, "Zorg dat deze waarde niet meer dan 35 tekens bevat"),
    ],
)
def test_a_hostile_reference_gets_a_dutch_message_and_changes_nothing(logged_in, customer, value, message):
    response = logged_in.post("/portal/gegevens/profiel/", _profile_form(customer, invoice_reference=value))

    assert response.status_code == 400  # the form again, with the message beside the field
    assert message in response.content.decode()
    assert profile_for(customer).invoice_reference == ""


def test_the_customers_reference_is_on_every_later_invoice_pdf_and_ubl_and_not_on_earlier_ones(
    subscribe, logged_in, customer
):
    import io

    from pypdf import PdfReader

    dutch_business(customer)
    response, first = subscribe()
    checkout(response["Location"], "paid")
    earlier = Invoice.objects.get(payment=first)
    earlier_ubl = services.document_ubl(document=earlier)

    saved = logged_in.post("/portal/gegevens/profiel/", _profile_form(customer, invoice_reference=" PO-4711 "))
    assert saved.status_code == 302 and profile_for(customer).invoice_reference == "PO-4711"
    subscription = Subscription.objects.get(user=customer)
    charge = controls.charge(subscription.active_remote().mollie_id)  # Mollie's next monthly charge
    later = Invoice.objects.get(payment__mollie_id=charge.id)

    assert later.billing_snapshot["reference"] == "PO-4711"
    root = xml(services.document_ubl(document=later))
    passes(etree.tostring(root))
    assert text(root, "cbc:BuyerReference") == "PO-4711"
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(services.document_pdf(document=later))).pages)
    assert "Uw referentie / Your reference" in pdf and "PO-4711" in pdf
    page = logged_in.get(f"/portal/abonnement/facturen/{later.number}/").content.decode()
    assert "PO-4711" in page
    # The invoice issued before stays as it was.
    assert services.document_ubl(document=earlier) == earlier_ubl
    assert text(xml(earlier_ubl), "cbc:BuyerReference") == earlier.number
    assert "PO-4711" not in logged_in.get(f"/portal/abonnement/facturen/{earlier.number}/").content.decode()
