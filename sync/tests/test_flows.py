"""One run of a customer's koppeling against the Exact sandbox (real HTTP through the client
library): relations, articles and sales invoices made once, payment status read back,
unticked flows doing nothing, an unmapped VAT rate failing with the hint until fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from exact_sandbox import engine as sandbox
from exact_sandbox.models import SandboxAccount, SandboxInvoice, SandboxItem
from koppeling.models import Flow
from sync.models import SyncRun
from sync.services.actions import retry_order
from sync.services.run import run_division
from sync.tests.conftest import DIVISION, configure, line, make_order
from webshop.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def test_orders_become_one_invoice_each_with_relations_and_articles_made_once(shop):
    first = make_order(shop, "WS-1", lines=[line("BROOD-01"), line("TAART-02", price="12.50", rate=21)])
    second = make_order(
        shop, "WS-2", lines=[line("BROOD-01", quantity="1")], shipping={"amount": "4.95", "vat_rate": 21}
    )
    third = make_order(shop, "WS-3", email="Piet@Example.nl", lines=[line("TAART-02", rate=21)])

    run = run_division(user_id=shop.pk)

    assert (run.outcome, run.synced, run.failed) == (SyncRun.Outcome.OK, 3, 0)
    assert run.duration is not None and run.finished_at is not None
    for order in (first, second, third):
        order.refresh_from_db()
        invoice = SandboxInvoice.objects.get(division=DIVISION, your_ref=order.number)
        assert order.status == Order.Status.SYNCED
        assert order.exact_invoice_id == str(invoice.guid)
        assert order.exact_invoice_number == str(invoice.invoice_number)
        assert invoice.journal == "70"
    invoice = SandboxInvoice.objects.get(your_ref="WS-1")
    assert sorted(line.vat_code for line in invoice.lines.all()) == ["1", "2"]
    assert SandboxInvoice.objects.get(your_ref="WS-2").lines.count() == 2  # with the shipping line
    assert SandboxAccount.objects.filter(division=DIVISION).count() == 2  # Jan and Piet, once each
    assert set(SandboxItem.objects.filter(division=DIVISION).values_list("code", flat=True)) == {
        "BROOD-01",
        "TAART-02",
        "VERZENDKOSTEN",
    }
    # A later order of a known customer with a known article costs one call: the invoice.
    make_order(shop, "WS-4", lines=[line("BROOD-01")])
    again = run_division(user_id=shop.pk)
    assert (again.synced, again.calls) == (1, 1)
    assert SandboxAccount.objects.filter(division=DIVISION).count() == 2


def test_an_existing_relation_in_exact_is_found_by_email_not_made_again(shop):
    make_order(shop, "WS-1")
    run_division(user_id=shop.pk)
    Order.objects.update(exact_account_id="")  # as if the payload had been stripped
    make_order(shop, "WS-2", email="JAN@example.nl")
    run_division(user_id=shop.pk)
    assert SandboxAccount.objects.filter(division=DIVISION).count() == 1
    assert Order.objects.get(number="WS-2").status == Order.Status.SYNCED


def test_an_unmapped_vat_rate_fails_with_the_hint_and_syncs_after_the_fix_and_a_retry(shop, customer):
    configure(shop, vat_code_low="")
    order = make_order(shop, "WS-9", lines=[line(rate=9)])

    run = run_division(user_id=shop.pk)

    order.refresh_from_db()
    assert (run.outcome, run.failed, run.calls) == (SyncRun.Outcome.ERRORS, 1, 0)
    assert order.status == Order.Status.FAILED
    assert order.error_hint == "BTW-tarief 9% is niet gekoppeld: kies een BTW-code bij Instellingen"
    assert not SandboxInvoice.objects.filter(your_ref="WS-9").exists()
    # Nothing changes on the next run while the setting is missing.
    run_division(user_id=shop.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.FAILED

    configure(shop, vat_code_low="2")
    retry_order(user=shop, by=customer, order_id=order.pk)  # queues a run (eager in this test)

    order.refresh_from_db()
    assert order.status == Order.Status.SYNCED and order.error_hint == ""
    assert SandboxInvoice.objects.filter(your_ref="WS-9").count() == 1
    assert SyncRun.objects.filter(user=shop, trigger=SyncRun.Trigger.RETRY, synced=1).exists()


def test_an_sku_longer_than_exact_allows_fails_with_a_hint_and_sends_nothing(shop):
    order = make_order(shop, "WS-12", lines=[line("X" * 31)])
    run = run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert (run.failed, run.calls) == (1, 0)
    assert order.error_code == "sku_too_long" and "hoogstens 30 tekens" in order.error_hint


def test_exacts_own_refusal_is_shown_with_a_hint(shop):
    sandbox.fault_add(
        "validation_error", endpoint="salesinvoice/SalesInvoices", method="POST", message="Dagboek 70 is geblokkeerd"
    )
    order = make_order(shop, "WS-5")
    run = run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert run.failed == 1
    assert order.status == Order.Status.FAILED
    assert order.error_message == "Dagboek 70 is geblokkeerd"
    assert "Opnieuw proberen" in order.error_hint


def test_unticked_flows_do_nothing(shop):
    configure(shop, flows=[Flow.ORDERS.value])  # no relations nor articles made
    order = make_order(shop, "WS-6")
    run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.error_code == "relation_missing"
    assert SandboxAccount.objects.count() == 0 and SandboxItem.objects.count() == 0

    configure(shop, flows=[Flow.PAYMENT_STATUS.value])  # no orders flow: nothing sent
    make_order(shop, "WS-7")
    run = run_division(user_id=shop.pk)
    assert run.calls == 0
    assert not SandboxInvoice.objects.exists()
    assert Order.objects.get(number="WS-7").status == Order.Status.RECEIVED


def test_the_payment_status_comes_back_from_exact(shop):
    order = make_order(shop, "WS-8")
    run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNKNOWN and order.payment_checked_at is None
    hour_later = order.synced_at + timedelta(seconds=3601)
    with time_machine.travel(hour_later):  # a new invoice is first read one check period later
        assert run_division(user_id=shop.pk).calls == 1
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNKNOWN  # not processed in Exact yet
    sandbox.invoice_mark_paid(division=DIVISION, your_ref="WS-8")
    with time_machine.travel(hour_later + timedelta(minutes=30)):  # checked half an hour ago: not yet
        assert run_division(user_id=shop.pk).calls == 0
    with time_machine.travel(hour_later + timedelta(seconds=3601)):
        run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID and order.payment_checked_at is not None


def test_a_paused_koppeling_does_not_run(shop):
    configure(shop, paused=True)
    make_order(shop, "WS-10")
    assert run_division(user_id=shop.pk) is None
    assert not SyncRun.objects.exists()
    assert Order.objects.get(number="WS-10").status == Order.Status.RECEIVED


def test_orders_before_the_start_date_are_skipped_and_counted(shop):
    from datetime import date

    configure(shop, start_date=date(2026, 12, 1))
    make_order(shop, "OUD-1", order_date=date(2026, 11, 30))
    make_order(shop, "NIEUW-1", order_date=date(2026, 12, 1))
    run = run_division(user_id=shop.pk)
    assert (run.synced, run.skipped) == (1, 1)
    assert Order.objects.get(number="OUD-1").status == Order.Status.RECEIVED
    assert not SandboxInvoice.objects.filter(your_ref="OUD-1").exists()


def test_an_order_exact_keeps_not_answering_is_retried_with_backoff_then_fails_after_a_day(shop):
    sandbox.fault_add("server_error", endpoint="salesinvoice/SalesInvoices", method="POST", times=50)
    order = make_order(shop, "WS-11")
    run = run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert run.failed == 0 and order.status == Order.Status.RECEIVED and order.next_attempt_at is not None
    assert run_division(user_id=shop.pk).calls == 0  # waiting for its backoff: not tried
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        run_division(user_id=shop.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED and order.error_code == "exact_unavailable"
    assert "Opnieuw proberen" in order.error_hint
