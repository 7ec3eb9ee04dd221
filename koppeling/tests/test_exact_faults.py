"""Each way a call to Exact can go wrong, injected at the sandbox per endpoint and met by the
real HTTP client: the engine gets one exception class per thing it must do. A create whose
answer is lost may have been stored (ExactAmbiguous): the lookup by YourRef finds it, so a
retry never makes a second invoice."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from exact_sandbox import engine
from exact_sandbox.models import SandboxFault, SandboxInvoice
from koppeling import exact, services
from koppeling.models import Connection
from koppeling.tests.conftest import connect

pytestmark = pytest.mark.usefixtures("exact_sandbox")

DIVISION = 1001
INVOICES = "salesinvoice/SalesInvoices"


@pytest.fixture
def token(browser_client, customer) -> str:
    connect(browser_client)
    return services.connection_access_token(connection_id=Connection.objects.get(user=customer).pk)


@pytest.fixture
def create(token):
    relation = exact.create_account(access_token=token, division=DIVISION, name="Klant")
    article = exact.create_item(access_token=token, division=DIVISION, code="A1", description="Artikel")

    def create_invoice(your_ref: str = "WS-1") -> exact.ExactSalesInvoice:
        return exact.create_sales_invoice(
            access_token=token,
            division=DIVISION,
            ordered_by=relation.id,
            journal="70",
            your_ref=your_ref,
            invoice_date=date(2026, 12, 1),
            lines=[exact.InvoiceLine(item_id=article.id, quantity=Decimal(2), net_price=Decimal("5"), vat_code="1")],
        )

    return create_invoice


def _create_exactly_once(token, create, your_ref: str) -> exact.ExactSalesInvoice:
    """What the engine does: on an ambiguous failure, look up before creating again."""
    for _attempt in range(3):
        found = exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref=your_ref)
        if found is not None:
            return found
        try:
            return create(your_ref)
        except exact.ExactAmbiguous:
            continue
    raise AssertionError("not created in three attempts")


@pytest.mark.parametrize("kind", ["commit_then_timeout", "commit_then_drop", "commit_then_server_error"])
def test_a_create_stored_before_its_answer_was_lost_is_ambiguous_and_found_by_the_lookup(token, create, kind):
    engine.fault_add(kind, endpoint=INVOICES, method="POST", seconds=2)  # past the 1 s read timeout
    with pytest.raises(exact.ExactAmbiguous):
        create("WS-7")
    assert SandboxInvoice.objects.filter(your_ref="WS-7").count() == 1  # Exact stored it
    found = exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref="WS-7")
    assert found is not None and found.number == 1


def test_the_lookup_before_a_retry_leaves_exactly_one_invoice_whichever_fault_struck(token, create):
    kinds = ["commit_then_drop", "server_error", "commit_then_server_error", "commit_then_timeout"]
    for number, kind in enumerate(kinds, start=1):
        engine.fault_add(kind, endpoint=INVOICES, method="POST", seconds=2)
        _create_exactly_once(token, create, f"WS-{number}")
    counts = [SandboxInvoice.objects.filter(your_ref=f"WS-{n}").count() for n in range(1, len(kinds) + 1)]
    assert counts == [1, 1, 1, 1]


def test_a_5xx_before_storing_is_also_ambiguous_to_the_client_and_nothing_is_stored(token, create):
    engine.fault_add("server_error", endpoint=INVOICES, method="POST")
    with pytest.raises(exact.ExactAmbiguous):
        create("WS-8")
    assert not SandboxInvoice.objects.exists()
    assert create("WS-8").number == 1  # the lookup found nothing: created once


def test_a_create_that_never_reached_exact_is_not_ambiguous(token, create, settings):
    settings.SITE_URL = "http://127.0.0.1:9"  # nothing listens: the connection is refused
    with pytest.raises(exact.ExactUnavailable) as caught:
        create("WS-9")
    assert not isinstance(caught.value, exact.ExactAmbiguous)


def test_a_fault_strikes_only_the_endpoint_and_method_it_names(token, create):
    engine.fault_add("server_error", endpoint="crm/Accounts", method="POST")
    create("WS-10")  # invoices and their lookups are untouched
    assert exact.find_item(access_token=token, division=DIVISION, code="A1") is not None
    assert SandboxFault.objects.get().remaining == 1
    with pytest.raises(exact.ExactAmbiguous):
        exact.create_account(access_token=token, division=DIVISION, name="Nog een klant")
    assert not SandboxFault.objects.exists()


def test_a_lookup_is_retried_after_a_5xx_and_a_timeout(token, create):
    create("WS-11")
    engine.fault_add("server_error", endpoint=INVOICES, method="GET")
    engine.fault_add("timeout", endpoint=INVOICES, method="GET", seconds=2)
    assert exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref="WS-11").number == 1


def test_a_429_on_a_create_stores_nothing_and_says_when_to_come_back(token, create):
    engine.fault_add("rate_limit", endpoint=INVOICES, method="POST", seconds=45)
    with pytest.raises(exact.ExactRateLimited) as caught:
        create("WS-12")
    assert caught.value.retry_after == 45 and caught.value.scope == "minute"
    assert 40 < (caught.value.reset_at - timezone.now()).total_seconds() <= 45
    assert not isinstance(caught.value, exact.ExactBlocked | exact.ExactAmbiguous)
    assert not SandboxInvoice.objects.exists()


def test_a_short_429_on_a_create_is_waited_out_and_the_create_made_once(token, create):
    engine.fault_add("rate_limit", endpoint=INVOICES, method="POST", seconds=1)
    started = time.monotonic()
    create("WS-13")
    assert time.monotonic() - started >= 1
    assert SandboxInvoice.objects.filter(your_ref="WS-13").count() == 1


def test_a_validation_error_carries_exacts_message(token, create):
    engine.fault_add(
        "validation_error", endpoint=INVOICES, method="POST", message="Periode 2026-12 is afgesloten voor boekingen."
    )
    with pytest.raises(exact.ExactValidationError) as caught:
        create("WS-14")
    assert caught.value.exact_message == "Periode 2026-12 is afgesloten voor boekingen."
    assert not SandboxInvoice.objects.exists()


def test_a_blocked_endpoint_raises_blocked_and_is_not_called_again_until_the_block_ends(token, create):
    engine.fault_add("error_block", endpoint=INVOICES, seconds=600)
    with pytest.raises(exact.ExactBlocked) as caught:
        create("WS-15")
    assert caught.value.endpoint == INVOICES and 590 <= caught.value.retry_after <= 600
    assert exact.blocked_until(division=DIVISION, endpoint=INVOICES) is not None
    engine.fault_add("server_error", endpoint=INVOICES)  # would be used up by a call
    with pytest.raises(exact.ExactBlocked):
        exact.find_sales_invoice(access_token=token, division=DIVISION, your_ref="WS-15")
    assert SandboxFault.objects.get().remaining == 1  # no call was made
    assert exact.find_item(access_token=token, division=DIVISION, code="A1") is not None  # other endpoints work


def test_too_many_errors_on_an_endpoint_block_the_app_on_it(token, create):
    """Exact's error rule (here 3 errors instead of 10): the errors are counted by the
    client too, so the engine can stop well before."""
    engine.limits_set(error_limit=3)
    for _ in range(4):
        with pytest.raises(exact.ExactValidationError):
            exact.create_item(access_token=token, division=DIVISION, code="A1", description="dubbel")
    assert exact.error_count(division=DIVISION, endpoint="logistics/Items") == 4
    with pytest.raises(exact.ExactBlocked) as caught:
        exact.find_item(access_token=token, division=DIVISION, code="A1")
    assert caught.value.endpoint == "logistics/Items" and caught.value.retry_after > 3500
    assert create("WS-16").number == 1  # another endpoint is not blocked


def test_a_refresh_while_the_access_token_is_fresh_is_not_sent(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    with pytest.raises(exact.ExactRefreshTooEarly) as caught:
        exact.refresh(refresh_token=connection.refresh_token(), access_expires_at=connection.access_expires_at)
    assert 500 < caught.value.retry_after <= 570
    assert engine.refresh_count() == 0


def test_exacts_refusal_of_an_early_refresh_keeps_the_refresh_token(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    with pytest.raises(exact.ExactRefreshTooEarly) as caught:
        exact.refresh(refresh_token=connection.refresh_token())  # sent: Exact says no
    assert not isinstance(caught.value, exact.ExactGrantError) and caught.value.retry_after > 500
    engine.access_tokens_near_expiry()
    pair = exact.refresh(refresh_token=connection.refresh_token())  # still good
    assert pair.refresh_token != connection.refresh_token() and engine.refresh_count() == 1
