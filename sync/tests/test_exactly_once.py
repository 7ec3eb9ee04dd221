"""500 orders through a real worker while Exact misbehaves, with runs started twice and a
second engine competing for the division: every order ends up as exactly one sales invoice,
every customer as one relation, every SKU as one article.

Faults (the sandbox at the HTTP boundary): stored-then-timeout, stored-then-dropped
connection, stored-then-500, 503, 429 and validation errors on the creates; a 503 on a lookup.
The validation errors fail their orders with Exact's message; "Alle fouten opnieuw" then
syncs them."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.db.models import Count

from exact_sandbox import engine as sandbox
from exact_sandbox.models import SandboxAccount, SandboxInvoice, SandboxItem
from sync import tasks
from sync.models import SyncRun
from sync.services.actions import retry_all_failed
from sync.services.run import run_division
from sync.tests.conftest import DIVISION, line, make_order, sync_worker_running
from webshop.models import Order

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ORDERS, CUSTOMERS, SKUS = 500, 60, 15
INVOICES = "salesinvoice/SalesInvoices"


def _faults() -> None:
    for kind, endpoint, method in [
        ("commit_then_timeout", INVOICES, "POST"),
        ("server_error", INVOICES, "POST"),
        ("commit_then_drop", INVOICES, "POST"),
        ("validation_error", INVOICES, "POST"),
        ("commit_then_server_error", INVOICES, "POST"),
        ("rate_limit", INVOICES, "POST"),
        ("commit_then_timeout", "crm/Accounts", "POST"),
        ("commit_then_server_error", "crm/Accounts", "POST"),
        ("commit_then_drop", "logistics/Items", "POST"),
        ("server_error", INVOICES, "GET"),
    ]:
        sandbox.fault_add(kind, endpoint=endpoint, method=method, times=3, seconds=2, message="Ongeldige regel")


def test_five_hundred_orders_with_faults_and_duplicate_runs_give_one_invoice_each(shop, exact_sandbox, customer):
    sandbox.limits_set(limits_on=False)
    for n in range(ORDERS):
        make_order(
            shop,
            f"WS-{n:04d}",
            email=f"klant{n % CUSTOMERS}@example.nl",
            lines=[line(f"SKU-{n % SKUS}"), line(f"SKU-{(n + 1) % SKUS}", rate=21)],
        )
    _faults()

    done = threading.Event()

    def competing_engine() -> None:  # a second engine on the same division, all the time
        try:
            while not done.is_set():
                run_division(user_id=shop.pk, trigger=SyncRun.Trigger.COMMAND)
                time.sleep(0.5)
        finally:
            connection.close()

    rival = threading.Thread(target=competing_engine, daemon=True)
    with sync_worker_running(exact_sandbox, name="faults", EXACT_READ_TIMEOUT="1", SYNC_RETRY_BACKOFF="1") as worker:
        rival.start()
        try:

            def drained() -> bool:
                tasks.tick.delay()
                tasks.run_division.delay(shop.pk, "beat")  # a duplicate of what the tick queues
                time.sleep(1)
                return not Order.objects.filter(status=Order.Status.RECEIVED).exists()

            worker.wait_until(drained, timeout=280, interval=0.5)
        finally:
            done.set()
            rival.join(timeout=60)
        failed = list(Order.objects.filter(status=Order.Status.FAILED))
        assert len(failed) == 3 and {o.error_message for o in failed} == {"Ongeldige regel"}
        assert retry_all_failed(user=shop, by=customer) == 3  # "Alle fouten opnieuw"
        worker.wait_until(lambda: Order.objects.filter(status=Order.Status.SYNCED).count() == ORDERS, timeout=120)

    per_order = dict(
        SandboxInvoice.objects.filter(division=DIVISION).values_list("your_ref").annotate(n=Count("pk")).order_by()
    )
    assert len(per_order) == ORDERS and set(per_order.values()) == {1}
    assert SandboxAccount.objects.filter(division=DIVISION).count() == CUSTOMERS
    assert SandboxItem.objects.filter(division=DIVISION).count() == SKUS
    stored = {str(guid) for guid in SandboxInvoice.objects.values_list("guid", flat=True)}
    assert set(Order.objects.values_list("exact_invoice_id", flat=True)) == stored  # each order knows its own
    # Never two runs at once on the division.
    spans = sorted(SyncRun.objects.exclude(finished_at=None).values_list("started_at", "finished_at"))
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:], strict=False))
    assert not SyncRun.objects.filter(outcome=SyncRun.Outcome.RUNNING).exists()
