"""Through a real Celery worker (subprocess, Redis, the test database) and the Exact sandbox on
the live server: the beat tick syncs what is due, and a worker killed (SIGKILL) while Exact is
storing an invoice loses nothing and duplicates nothing."""

from __future__ import annotations

import pytest

from exact_sandbox import engine as sandbox
from exact_sandbox.models import SandboxInvoice
from sync import tasks
from sync.models import SyncRun
from sync.tests.conftest import make_order, sync_worker_running
from webshop.models import Order

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_beat_tick_syncs_the_due_orders_through_the_worker(shop, sync_worker):
    for n in range(5):
        make_order(shop, f"WS-{n}", email=f"klant{n % 2}@example.nl")
    tasks.tick.delay()
    sync_worker.wait_until(lambda: Order.objects.filter(status=Order.Status.SYNCED).count() == 5, timeout=60)
    run = sync_worker.wait_until(lambda: SyncRun.objects.exclude(outcome=SyncRun.Outcome.RUNNING).first())
    assert (run.trigger, run.outcome, run.synced) == (SyncRun.Trigger.BEAT, SyncRun.Outcome.OK, 5)
    assert sorted(SandboxInvoice.objects.values_list("your_ref", flat=True)) == [f"WS-{n}" for n in range(5)]


def test_a_worker_killed_while_exact_stores_an_invoice_loses_nothing_and_duplicates_nothing(shop, exact_sandbox):
    orders = [make_order(shop, f"WS-{n}") for n in range(4)]
    # Exact stores the second invoice, then keeps the answer back for 8 s: the worker waits.
    sandbox.fault_add("commit_then_timeout", endpoint="salesinvoice/SalesInvoices", method="POST", seconds=8)
    with sync_worker_running(exact_sandbox, name="killed", EXACT_READ_TIMEOUT="30") as worker:
        tasks.run_division.delay(shop.pk, "beat")
        worker.wait_until(lambda: SandboxInvoice.objects.filter(your_ref="WS-0").exists(), timeout=60)
        worker.process.kill()  # SIGKILL: no warm shutdown, no except/finally in the worker
        worker.process.wait(timeout=10)
    assert SyncRun.objects.get().outcome == SyncRun.Outcome.RUNNING  # left as it was
    stored_before_restart = SandboxInvoice.objects.count()
    assert stored_before_restart == 1
    first = Order.objects.get(pk=orders[0].pk)
    assert first.status == Order.Status.RECEIVED and first.attempts == 1  # sent, answer never came

    # The tick queues the division again (SYNC_REQUEUE_AFTER: test_schedule.py); a new worker runs it.
    with sync_worker_running(exact_sandbox, name="restarted") as worker:
        tasks.run_division.delay(shop.pk, "beat")
        worker.wait_until(lambda: Order.objects.filter(status=Order.Status.SYNCED).count() == 4, timeout=60)
    for order in orders:
        assert SandboxInvoice.objects.filter(your_ref=order.number).count() == 1
    first.refresh_from_db()
    assert first.exact_invoice_id == str(SandboxInvoice.objects.get(your_ref="WS-0").guid)  # found, not made again
    outcomes = list(SyncRun.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [SyncRun.Outcome.INTERRUPTED, SyncRun.Outcome.OK]


def test_a_backlog_continues_at_the_back_of_the_queue_without_waiting_for_the_tick(shop, exact_sandbox, make_user):
    from sync.tests.conftest import open_shop

    other = open_shop(make_user("tweede"), division=1002)
    for n in range(25):
        make_order(shop, f"BIG-{n:02d}")
    make_order(other, "SMALL-1")
    with sync_worker_running(exact_sandbox, name="backlog", SYNC_BATCH_ORDERS="10") as worker:
        tasks.run_division.delay(shop.pk, "beat")
        worker.wait_until(lambda: SyncRun.objects.filter(user=shop).exclude(outcome="running").exists())
        tasks.run_division.delay(other.pk, "beat")  # queued while the first batch ran
        worker.wait_until(lambda: not Order.objects.filter(status=Order.Status.RECEIVED).exists(), timeout=90)
    runs = list(SyncRun.objects.order_by("started_at").values_list("user_id", "synced"))
    assert [synced for user, synced in runs if user == shop.pk] == [10, 10, 5]
    # The small shop's run went before the big shop's continuation that was queued after it.
    assert runs.index((other.pk, 1)) <= 2
