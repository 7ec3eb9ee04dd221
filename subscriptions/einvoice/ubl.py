"""The UBL 2.1 e-invoice of an invoice or credit note (Peppol BIS Billing 3.0, EN 16931).

Like the PDF (``subscriptions/invoice_pdf.py``) it is drawn only from the document's own row:
its amounts, ``billing_snapshot`` and ``seller_snapshot`` as they were on the day it was
issued, for an invoice the payment's Mollie id and payment moment (fixed once paid), for a
credit note the number, date and period of the invoice it corrects; and the stored PDF,
embedded as the document's visual form. Never the profile or the settings of today, so a
later change of either never reaches an issued document. The output is deterministic (same
row and PDF, same bytes); it is also stored once (``services.document_ubl``).

What the rules ask and where it comes from (docs/billing.md, "E-invoices (UBL)"):

* The seller is Dutch, so Peppol's Dutch rules apply: the seller's KvK number is its legal
  id and its electronic address (scheme ``0106``, NL-R-003); a credit note names the
  invoice it corrects (NL-R-001); a Dutch customer's address has street, postal code and
  city (NL-R-004; a subscription cannot start without them) and a customer KvK number goes
  out with scheme ``0106`` (NL-R-005).
* Every document is paid when it is issued (an invoice follows a paid payment, a credit note
  a refund Mollie made), so the amount due is 0.00 with the whole total as paid amount; no
  payment means is then required (NL-R-007) and the payment terms say how it was paid.
* The buyer's reference (Peppol's R003 wants a buyer reference or an order reference): the
  customer's own "uw referentie / PO-nummer" when the snapshot has one, else the number of
  the invoice (for a credit note: of the invoice it corrects), the number the customer knows
  this purchase by.
* The buyer's electronic address (R010): the customer's KvK number (``0106``), else the VAT
  id under its country's Peppol scheme. A customer with neither has no Peppol address at
  all; the element is then left out (an invented one would route the invoice to nobody),
  and the document fails R010 alone. See the docs for why that is accepted.
* Reverse charge: VAT category ``AE`` at 0% with exemption code ``VATEX-EU-AE`` and the
  text "Btw verlegd / VAT reverse charged"; both VAT ids are on the document (BR-AE-02).
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from subscriptions.invoice_pdf import day
from subscriptions.models import CreditNote, Invoice

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CURRENCY = "EUR"
INVOICE_TYPE = "380"  # commercial invoice
CREDIT_NOTE_TYPE = "381"  # credit note
UNIT = "C62"  # "one" (UN/ECE rec. 20): one subscription period, or one pro-rata part of it
KVK_SCHEME = "0106"  # the Dutch Chamber of Commerce number, in Peppol's EAS and ICD lists
REVERSE_CHARGE_CODE = "VATEX-EU-AE"
REVERSE_CHARGE_TEXT = "Btw verlegd / VAT reverse charged"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CONTENT_TYPE = "application/xml"

# The buyer's electronic address from its VAT id, for EU customers without a KvK number:
# the Peppol "Electronic Address Scheme" of the VAT id's country (Peppol BIS 3.0 code list
# EAS; the codes of the vendored rules' list). Belgium, Denmark, Finland, Italy and Sweden
# are registered in Peppol under their business register or their own VAT scheme; the value
# is then the part of the VAT id that scheme carries.
VAT_ENDPOINT_SCHEMES: dict[str, tuple[str, str]] = {
    # country prefix of the VAT id: (scheme, "vat" = the whole VAT id / "digits" = without the prefix)
    "AT": ("9914", "vat"),
    "BE": ("0208", "digits"),  # enterprise number (KBO/BCE): the VAT id's ten digits
    "BG": ("9926", "vat"),
    "CY": ("9928", "vat"),
    "CZ": ("9929", "vat"),
    "DE": ("9930", "vat"),
    "DK": ("0184", "vat"),  # CVR, written "DK" + 8 digits
    "EE": ("9931", "vat"),
    "EL": ("9933", "vat"),
    "ES": ("9920", "vat"),
    "FI": ("0213", "vat"),
    "FR": ("9957", "vat"),
    "HR": ("9934", "vat"),
    "HU": ("9910", "vat"),
    "IE": ("9935", "vat"),
    "IT": ("0211", "vat"),
    "LT": ("9937", "vat"),
    "LU": ("9938", "vat"),
    "LV": ("9939", "vat"),
    "MT": ("9943", "vat"),
    "NL": ("9944", "vat"),
    "PL": ("9945", "vat"),
    "PT": ("9946", "vat"),
    "RO": ("9947", "vat"),
    "SE": ("0007", "orgnr"),  # organisation number: the ten digits inside SE…01
    "SI": ("9949", "vat"),
    "SK": ("9950", "vat"),
}


def _cbc(name: str) -> str:
    return f"{{{NS_CBC}}}{name}"


def _cac(name: str) -> str:
    return f"{{{NS_CAC}}}{name}"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _percent(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _clean(value: object) -> str:
    """Text without control characters and surrounding space (XML 1.0 allows no control
    characters, and the rules refuse empty elements)."""
    return " ".join("".join(c for c in str(value or "") if c >= " " or c in "\t\n").split())


def buyer_endpoint(snapshot: dict) -> tuple[str, str] | None:
    """(scheme, value) of the buyer's electronic address, or None when it has no identifier
    Peppol knows (no KvK number, no VAT id of a known country)."""
    kvk = _clean(snapshot.get("kvk"))
    if kvk:
        return KVK_SCHEME, kvk
    vat = _clean(snapshot.get("vat_id")).replace(" ", "").upper()
    scheme = VAT_ENDPOINT_SCHEMES.get(vat[:2])
    if scheme is None or len(vat) < 4:
        return None
    code, form = scheme
    if form == "digits":
        return code, vat[2:]
    if form == "orgnr":
        return code, vat[2:12]
    return code, vat


def _address(party: etree._Element, snapshot: dict) -> None:
    address = _add(party, _cac("PostalAddress"))
    for tag, key in (("StreetName", "street"), ("CityName", "city"), ("PostalZone", "postal_code")):
        if _clean(snapshot.get(key)):
            _add(address, _cbc(tag), _clean(snapshot[key]))
    _add(_add(address, _cac("Country")), _cbc("IdentificationCode"), _clean(snapshot.get("country")).upper())


def _tax_scheme(parent: etree._Element, vat_id: str) -> None:
    scheme = _add(parent, _cac("PartyTaxScheme"))
    _add(scheme, _cbc("CompanyID"), vat_id)
    _add(_add(scheme, _cac("TaxScheme")), _cbc("ID"), "VAT")


def _seller(root: etree._Element, seller: dict) -> None:
    party = _add(_add(root, _cac("AccountingSupplierParty")), _cac("Party"))
    kvk, name = _clean(seller.get("kvk")), _clean(seller.get("name"))
    if kvk:
        _add(party, _cbc("EndpointID"), kvk, schemeID=KVK_SCHEME)
    _add(_add(party, _cac("PartyName")), _cbc("Name"), name)
    _address(party, seller)
    if _clean(seller.get("vat_id")):
        _tax_scheme(party, _clean(seller["vat_id"]).replace(" ", "").upper())
    legal = _add(party, _cac("PartyLegalEntity"))
    _add(legal, _cbc("RegistrationName"), name)
    if kvk:
        _add(legal, _cbc("CompanyID"), kvk, schemeID=KVK_SCHEME)
    phone, email = _clean(seller.get("phone")), _clean(seller.get("email"))
    if phone or email:
        contact = _add(party, _cac("Contact"))
        if phone:
            _add(contact, _cbc("Telephone"), phone)
        if email:
            _add(contact, _cbc("ElectronicMail"), email)


def _buyer(root: etree._Element, buyer: dict) -> None:
    party = _add(_add(root, _cac("AccountingCustomerParty")), _cac("Party"))
    endpoint = buyer_endpoint(buyer)
    if endpoint is not None:
        _add(party, _cbc("EndpointID"), endpoint[1], schemeID=endpoint[0])
    name, company = _clean(buyer.get("name")), _clean(buyer.get("company"))
    registered = company or name
    _add(_add(party, _cac("PartyName")), _cbc("Name"), registered)
    _address(party, buyer)
    vat_id = _clean(buyer.get("vat_id")).replace(" ", "").upper()
    if vat_id:
        _tax_scheme(party, vat_id)
    legal = _add(party, _cac("PartyLegalEntity"))
    _add(legal, _cbc("RegistrationName"), registered)
    if _clean(buyer.get("kvk")):
        _add(legal, _cbc("CompanyID"), _clean(buyer["kvk"]), schemeID=KVK_SCHEME)
    if name and name != registered:
        _add(_add(party, _cac("Contact")), _cbc("Name"), name)


def _tax_category(parent: etree._Element, tag: str, document, *, with_reason: bool) -> None:
    category = _add(parent, _cac(tag))
    if document.reverse_charge:
        _add(category, _cbc("ID"), "AE")
        _add(category, _cbc("Percent"), "0")
        if with_reason:
            _add(category, _cbc("TaxExemptionReasonCode"), REVERSE_CHARGE_CODE)
            _add(category, _cbc("TaxExemptionReason"), REVERSE_CHARGE_TEXT)
    else:
        _add(category, _cbc("ID"), "S")
        _add(category, _cbc("Percent"), _percent(document.vat_rate))
    _add(_add(category, _cac("TaxScheme")), _cbc("ID"), "VAT")


def _period(parent: etree._Element, start: date, end: date) -> None:
    period = _add(parent, _cac("InvoicePeriod"))
    _add(period, _cbc("StartDate"), start.isoformat())
    _add(period, _cbc("EndDate"), end.isoformat())


def _attachment(root: etree._Element, number: str, description: str, filename: str, pdf: bytes | None) -> None:
    if not pdf:
        return
    reference = _add(root, _cac("AdditionalDocumentReference"))
    _add(reference, _cbc("ID"), number)
    _add(reference, _cbc("DocumentDescription"), description)
    attachment = _add(reference, _cac("Attachment"))
    _add(
        attachment,
        _cbc("EmbeddedDocumentBinaryObject"),
        base64.b64encode(pdf).decode("ascii"),
        mimeCode="application/pdf",
        filename=filename,
    )


def _totals(root: etree._Element, document, net: Decimal, vat: Decimal, gross: Decimal) -> None:
    tax_total = _add(root, _cac("TaxTotal"))
    _add(tax_total, _cbc("TaxAmount"), _amount(vat), currencyID=CURRENCY)
    subtotal = _add(tax_total, _cac("TaxSubtotal"))
    _add(subtotal, _cbc("TaxableAmount"), _amount(net), currencyID=CURRENCY)
    _add(subtotal, _cbc("TaxAmount"), _amount(vat), currencyID=CURRENCY)
    _tax_category(subtotal, "TaxCategory", document, with_reason=True)
    totals = _add(root, _cac("LegalMonetaryTotal"))
    _add(totals, _cbc("LineExtensionAmount"), _amount(net), currencyID=CURRENCY)
    _add(totals, _cbc("TaxExclusiveAmount"), _amount(net), currencyID=CURRENCY)
    _add(totals, _cbc("TaxInclusiveAmount"), _amount(gross), currencyID=CURRENCY)
    # Paid in full when issued (see the module docstring): nothing is due.
    _add(totals, _cbc("PrepaidAmount"), _amount(gross), currencyID=CURRENCY)
    _add(totals, _cbc("PayableAmount"), _amount(Decimal("0")), currencyID=CURRENCY)


def _line(root: etree._Element, document, *, credit: bool, name: str, period: tuple[date, date], net: Decimal) -> None:
    element = _add(root, _cac("CreditNoteLine" if credit else "InvoiceLine"))
    _add(element, _cbc("ID"), "1")
    _add(element, _cbc("CreditedQuantity" if credit else "InvoicedQuantity"), "1", unitCode=UNIT)
    _add(element, _cbc("LineExtensionAmount"), _amount(net), currencyID=CURRENCY)
    _period(element, *period)
    item = _add(element, _cac("Item"))
    _add(item, _cbc("Name"), name)
    _tax_category(item, "ClassifiedTaxCategory", document, with_reason=False)
    price = _add(element, _cac("Price"))
    _add(price, _cbc("PriceAmount"), _amount(net), currencyID=CURRENCY)


def _paid_on(moment: datetime | None) -> str:
    return day(timezone.localdate(moment)) if moment is not None else "–"


def render(document: Invoice | CreditNote, *, pdf: bytes | None = None) -> bytes:
    """The UBL document (UTF-8 bytes) of an invoice or credit note; ``pdf``: the stored PDF
    of the same document, embedded so a bookkeeping package shows the document as issued."""
    credit = isinstance(document, CreditNote)
    buyer, seller = document.billing_snapshot or {}, document.seller_snapshot or {}
    # A credit note's rows are negative; a UBL credit note states them as positive amounts.
    net, vat, gross = (abs(document.amount_net), abs(document.vat_amount), abs(document.amount_gross))
    invoice = document.invoice if credit else document

    root = etree.Element(
        f"{{{NS_CREDIT_NOTE if credit else NS_INVOICE}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: NS_CREDIT_NOTE if credit else NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC},
    )
    _add(root, _cbc("CustomizationID"), CUSTOMIZATION_ID)
    _add(root, _cbc("ProfileID"), PROFILE_ID)
    _add(root, _cbc("ID"), document.number)
    _add(root, _cbc("IssueDate"), document.issued_on.isoformat())
    _add(
        root, _cbc("CreditNoteTypeCode" if credit else "InvoiceTypeCode"), CREDIT_NOTE_TYPE if credit else INVOICE_TYPE
    )
    _add(root, _cbc("DocumentCurrencyCode"), CURRENCY)
    _add(root, _cbc("BuyerReference"), _clean(buyer.get("reference")) or invoice.number)
    _period(root, invoice.period_start, invoice.period_end)
    if credit:
        reference = _add(_add(root, _cac("BillingReference")), _cac("InvoiceDocumentReference"))
        _add(reference, _cbc("ID"), invoice.number)
        _add(reference, _cbc("IssueDate"), invoice.issued_on.isoformat())
    _attachment(
        root,
        document.number,
        "Creditnota / Credit note (PDF)" if credit else "Factuur / Invoice (PDF)",
        document.pdf_filename,
        pdf,
    )
    _seller(root, seller)
    _buyer(root, buyer)
    if credit:
        paid = f"Terugbetaald via Mollie / Refunded through Mollie ({invoice.payment.mollie_id or '–'})."
    else:
        payment = document.payment
        paid = f"Voldaan via Mollie op {_paid_on(payment.paid_at)} ({payment.mollie_id or '–'}). / Paid through Mollie."
    _add(_add(root, _cac("PaymentTerms")), _cbc("Note"), paid)
    _totals(root, document, net, vat, gross)
    name = f"Terugbetaling / Refund: {_clean(document.description)}" if credit else _clean(document.description)
    _line(root, document, credit=credit, name=name, period=(invoice.period_start, invoice.period_end), net=net)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
