"""The e-invoice validator itself: it passes Peppol's own valid examples and fails documents
that break the EN 16931, Peppol and Dutch rules, so a pass on our documents means something."""

from __future__ import annotations

import hashlib
import re

import pytest
from lxml import etree

from subscriptions.einvoice import validation
from subscriptions.einvoice.validation import NotWellFormed, Validator, validator

EXAMPLES = validation.RULES_DIR / "examples"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@pytest.mark.parametrize(
    "name", ["peppol-base-example.xml", "peppol-Vat-category-S.xml", "peppol-base-creditnote-correction.xml"]
)
def test_peppols_own_examples_pass_both_rule_sets_without_any_finding(name):
    report = validator().validate((EXAMPLES / name).read_bytes())

    assert report.ok
    assert report.findings == (), str(report)


def test_a_document_currency_that_the_amounts_do_not_use_fails_under_cen_and_peppol():
    text = (EXAMPLES / "peppol-base-example.xml").read_text(encoding="utf-8")
    broken = text.replace("<cbc:DocumentCurrencyCode>EUR<", "<cbc:DocumentCurrencyCode>XXX<")
    assert broken != text

    report = validator().validate(broken)

    assert not report.ok
    fatal = report.ids(flag="fatal")
    assert "BR-CO-15" in fatal  # CEN: the total with VAT no longer adds up in the document currency
    assert fatal.count("PEPPOL-EN16931-R051") == 13  # Peppol: every amount in another currency
    finding = next(f for f in report.fatal if f.id == "BR-CO-15")
    assert finding.rules == "EN16931"
    assert finding.location.startswith("/")
    assert "BT-112" in finding.text


def _dutch_supplier(tree) -> None:
    supplier = tree.find("cac:AccountingSupplierParty/cac:Party", NS)
    supplier.find("cac:PostalAddress/cac:Country/cbc:IdentificationCode", NS).text = "NL"
    supplier.find("cac:PartyTaxScheme/cbc:CompanyID", NS).text = "NL123456789B01"


def test_the_dutch_rules_apply_to_a_dutch_supplier():
    tree = etree.parse(str(EXAMPLES / "peppol-base-creditnote-correction.xml"))
    _dutch_supplier(tree)
    root = tree.getroot()
    root.remove(root.find("cac:BillingReference", NS))

    report = validator().validate(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))

    fatal = report.ids(flag="fatal")
    assert "NL-R-001" in fatal  # a Dutch credit note must name the invoice it corrects
    assert "NL-R-003" in fatal  # the seller's legal id must be a KvK (0106) or OIN (0190) number
    assert all(f.rules == "Peppol" for f in report.fatal if f.id.startswith("NL-R-"))


def test_the_dutch_rules_pass_once_the_supplier_has_a_kvk_number_and_the_invoice_reference():
    tree = etree.parse(str(EXAMPLES / "peppol-base-creditnote-correction.xml"))
    _dutch_supplier(tree)
    legal = tree.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", NS)
    legal.text, legal.attrib["schemeID"] = "12345678", "0106"
    for reference in tree.findall("cac:CreditNoteLine/cac:OrderLineReference", NS):
        reference.getparent().remove(reference)  # NL-R-009: order lines only with an order reference

    report = validator().validate(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))

    assert report.ok, str(report)


def test_text_that_is_not_xml_is_refused():
    with pytest.raises(NotWellFormed):
        validator().validate(b"<Invoice><unclosed></Invoice>")


def test_the_compiled_schematron_is_kept_on_disk_and_reused(tmp_path):
    first = Validator(cache_dir=tmp_path)
    [cached] = list(tmp_path.glob("peppol-*.xsl"))
    stamp = cached.stat().st_mtime_ns

    second = Validator(cache_dir=tmp_path)

    assert list(tmp_path.glob("*")) == [cached]  # no second file, no partial left behind
    assert cached.stat().st_mtime_ns == stamp
    example = (EXAMPLES / "peppol-base-example.xml").read_bytes()
    assert first.validate(example).ok and second.validate(example).ok


def test_the_vendored_rule_files_are_the_ones_listed_in_their_readme():
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", (validation.RULES_DIR / "README.md").read_text(), re.MULTILINE)
    assert len(listed) == 4
    for digest, name in listed:
        assert hashlib.sha256((validation.RULES_DIR / name).read_bytes()).hexdigest() == digest, name
