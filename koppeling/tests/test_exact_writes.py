"""The client calls the sync engine will make, through the real HTTP client against the
sandbox on the live server: relations, articles and sales invoices found and created, the
payment status read back, Exact's refusals passed on with Exact's own message."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from exact_sandbox import engine
from exact_sandbox.models import SandboxAccount, SandboxInvoice, SandboxItem
from koppeling import exact, services
from koppeling.models import Connection
from koppeling.tests.conftest import connect

pytestmark = pytest.mark.usefixtures("exact_sandbox")

DIVISION = 1001


@pytest.fixture
def token(browser_client, customer) -> str:
    connect(browser_client)
    return services.connection_access_token(connection_id=Connection.objects.get(user=customer).pk)


@pytest.fixture
def relation(token) -> exact.ExactAccount:
    return exact.create_account(
        access_token=token, division=DIVISION, name="Bakkerij De Korrel", email="info@korrel.nl"
    )


@pytest.fixture
def article(token) -> exact.ExactItem:
    return exact.create_item(access_token=token, division=DIVISION, code="BROOD-01", description="Volkoren brood")


def _invoice(token, relation, article, *, your_ref="WS-1001", **changes):
    arguments = {
        "access_token": token,
        "division": DIVISION,
        "ordered_by": relation.id,
        "journal": "70",
        "your_ref": your_ref,
        "invoice_date": date(2026, 11, 30),
        "description": "Webshop order",
        "lines": [
            exact.InvoiceLine(item_id=article.id, quantity=Decimal("3"), net_price=Decimal("2.45"), vat_code="2"),
            exact.InvoiceLine(
                item_id=article.id, quantity=Decimal("1"), net_price=Decimal("10"), vat_code="1", description="Taart"
            ),
        ],
    }
    arguments.update(changes)
    return exact.create_sales_invoice(**arguments)


def test_a_relation_is_created_as_a_customer_and_found_by_code_and_by_email(token):
    created = exact.create_account(
        access_token=token,
        division=DIVISION,
        name="Van Dijk Installaties",
        email="Administratie@VanDijk.nl",
        code="4711",
        city="Eindhoven",
        country="nl",
        vat_number="NL001234567B01",
    )
    stored = SandboxAccount.objects.get(guid=created.id)
    assert (stored.code, stored.status, stored.country) == ("4711".rjust(18), "C", "NL")
    assert created.code == "4711" and created.name == "Van Dijk Installaties"
    assert exact.find_account(access_token=token, division=DIVISION, code="4711") == created
    assert exact.find_account(access_token=token, division=DIVISION, email="administratie@vandijk.nl") == created
    assert exact.find_account(access_token=token, division=DIVISION, code="4712") is None
    assert exact.find_account(access_token=token, division=1002, code="4711") is None  # another administration


def test_without_a_code_exact_gives_the_relation_the_next_number(token, relation):
    second = exact.create_account(access_token=token, division=DIVISION, name="Tweede klant")
    assert (relation.code, second.code) == ("1", "2")


def test_a_relation_code_must_be_digits_before_anything_is_sent(token):
    with pytest.raises(ValueError):
        exact.find_account(access_token=token, division=DIVISION, code="KL-12")
    with pytest.raises(ValueError):
        exact.find_account(access_token=token, division=DIVISION)


def test_an_article_is_created_and_found_by_code(token, article):
    assert exact.find_item(access_token=token, division=DIVISION, code="BROOD-01") == article
    assert exact.find_item(access_token=token, division=DIVISION, code="BROOD-02") is None
    assert SandboxItem.objects.get(guid=article.id).is_sales_item


def test_a_second_article_with_the_same_code_is_refused_with_exacts_message(token, article):
    with pytest.raises(exact.ExactValidationError) as caught:
        exact.create_item(access_token=token, division=DIVISION, code="BROOD-01", description="Nog een")
    assert caught.value.status == 400 and caught.value.exact_message == "Code: BROOD-01 already exists."
    assert caught.value.endpoint == "logistics/Items"
    assert SandboxItem.objects.count() == 1
    assert exact.error_count(division=DIVISION, endpoint="logistics/Items") == 1


def test_a_sales_invoice_is_created_with_its_lines_and_found_by_your_ref(token, relation, article):
    invoice = _invoice(token, relation, article)
    assert invoice.number == 1 and invoice.journal == "70" and invoice.status == 20 and invoice.your_ref == "WS-1001"
    # 3 × 2.45 at 9% + 1 × 10.00 at 21%: 7.35 + 0.66 + 10.00 + 2.10
    assert (invoice.amount_excl_vat, invoice.amount) == (Decimal("17.35"), Decimal("20.11"))
    stored = SandboxInvoice.objects.get(guid=invoice.id)
    assert [(line.vat_code, line.description) for line in stored.lines.all()] == [
        ("2", "Volkoren brood"),
        ("1", "Taart"),
    ]
    assert stored.invoice_date.date() == date(2026, 11, 30) and str(stored.ordered_by.guid) == relation.id
    assert exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref="ws-1001") == invoice
    assert exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref="WS-1002") is None
    assert _invoice(token, relation, article, your_ref="WS-1002").number == 2  # the journal's next number


def test_a_your_ref_with_a_quote_is_looked_up_exactly(token, relation, article):
    invoice = _invoice(token, relation, article, your_ref="O'Brien-7")
    _invoice(token, relation, article, your_ref="O")
    assert exact.find_sales_invoices(access_token=token, division=DIVISION, your_ref="O'Brien-7") == [invoice]


def test_every_invoice_with_a_your_ref_is_found_across_pages(token, relation, article):
    """More than a page of 60: the client follows __next (here: duplicates a careless
    engine could have made, which the lookup must show in full)."""
    first = _invoice(token, relation, article, your_ref="WS-DUP")
    stored = SandboxInvoice.objects.get(guid=first.id)
    for number in range(2, 62):
        stored.pk, stored.guid, stored.receivable_guid, stored.invoice_number = None, uuid.uuid4(), uuid.uuid4(), number
        stored.save()
    found = exact.find_sales_invoices(access_token=token, division=DIVISION, your_ref="WS-DUP")
    assert len(found) == 61 and found[0] == first and [f.number for f in found] == list(range(1, 62))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ordered_by": "00000000-0000-0000-0000-000000000001"}, "OrderedBy: the account"),
        ({"journal": "60"}, "Journal: 60 is not a sales journal"),
        (
            {
                "lines": [
                    exact.InvoiceLine(
                        item_id="00000000-0000-0000-0000-000000000002", quantity=1, net_price=1, vat_code="1"
                    )
                ]
            },
            "Item: the item",
        ),
        ({"vat_code": "9"}, "VATCode: 9 does not exist"),
    ],
)
def test_an_invoice_naming_what_exact_does_not_have_is_refused_and_nothing_is_stored(
    token, relation, article, change, message
):
    if "vat_code" in change:
        change = {"lines": [exact.InvoiceLine(item_id=article.id, quantity=1, net_price=1, vat_code="9")]}
    with pytest.raises(exact.ExactValidationError) as caught:
        _invoice(token, relation, article, **change)
    assert message in caught.value.exact_message
    assert not SandboxInvoice.objects.exists()


def test_the_payment_status_follows_the_invoice_in_exact(token, relation, article):
    invoice = _invoice(token, relation, article)
    status = exact.payment_status(access_token=token, division=DIVISION, invoice_number=invoice.number, journal="70")
    assert status == exact.PaymentStatus(state=exact.PaymentState.UNBOOKED)  # not processed: no receivable yet

    engine.invoice_process(division=DIVISION, your_ref="WS-1001")
    status = exact.payment_status(access_token=token, division=DIVISION, invoice_number=invoice.number, journal="70")
    assert (status.state, status.amount, status.last_payment_date) == (exact.PaymentState.OPEN, Decimal("20.11"), None)

    engine.invoice_mark_paid(division=DIVISION, invoice_id=invoice.id)
    status = exact.payment_status(access_token=token, division=DIVISION, invoice_number=invoice.number, journal="70")
    assert status.state == exact.PaymentState.PAID and status.last_payment_date == timezone.now().date()
    other_journal = exact.payment_status(
        access_token=token, division=DIVISION, invoice_number=invoice.number, journal="71"
    )
    assert other_journal.state == exact.PaymentState.UNBOOKED


def test_an_expired_access_token_is_an_auth_error(token):
    with (
        time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=11)),
        pytest.raises(exact.ExactUnauthorized) as caught,
    ):
        exact.find_item(access_token=token, division=DIVISION, code="X")
    assert isinstance(caught.value, exact.ExactAuthError)
