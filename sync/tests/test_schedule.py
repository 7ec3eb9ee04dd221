"""The beat tick and the lock: due divisions are queued once, a run is bounded, a backlog in
one division never holds another division's order past a tick, and two runs never work on one
division at once. (Tasks run in-process here; test_worker.py sends them through a real
worker.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from exact_sandbox.models import SandboxInvoice
from sync.models import SyncRun, SyncState
from sync.services import schedule
from sync.services.run import LOCK_CLASS, run_division
from sync.tests.conftest import configure, make_order, open_shop
from webshop.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_tick_queues_only_what_is_due(shop, make_user):
    idle = make_user("zonderkoppeling")  # not connected: never due
    make_order(shop, "WS-1")
    assert schedule.tick() == 1  # never ran: due now; the run happens on commit (eager here)
    assert Order.objects.get(number="WS-1").status == Order.Status.SYNCED
    state = SyncState.objects.get(user=shop)
    assert state.queued_at is None and state.next_run_at > timezone.now() + timedelta(minutes=59)
    assert not SyncState.objects.filter(user=idle).exists()

    make_order(shop, "WS-2")
    assert schedule.tick() == 0  # the interval (60 minutes) has not passed
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert schedule.tick() == 1
    assert Order.objects.get(number="WS-2").status == Order.Status.SYNCED

    configure(shop, paused=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=200)):
        assert schedule.tick() == 0
    configure(shop, paused=False, flows=[])
    with time_machine.travel(timezone.now() + timedelta(minutes=200)):
        assert schedule.tick() == 0


def test_a_queued_run_is_not_queued_again_until_it_is_lost(shop):
    SyncState.objects.create(user=shop, queued_at=timezone.now())  # queued, not started
    assert schedule.due_user_ids() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):  # SYNC_REQUEUE_AFTER: lost
        assert schedule.due_user_ids() == [shop.pk]


def test_a_backlog_is_worked_off_in_bounded_runs_while_another_divisions_order_goes_first(shop, make_user, settings):
    settings.SYNC_BATCH_ORDERS = 10
    other = open_shop(make_user("tweede"), division=1002)
    for n in range(25):
        make_order(shop, f"BIG-{n:03d}", email=f"klant{n % 3}@example.nl")
    schedule.tick()  # first tick: both run; the big one takes 10
    assert Order.objects.filter(user=shop, status=Order.Status.SYNCED).count() == 10
    assert SyncState.objects.get(user=shop).backlog is True

    make_order(other, "SMALL-1")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert schedule.due_user_ids() == [other.pk, shop.pk]  # the backlog goes last
        schedule.tick()
    assert Order.objects.get(number="SMALL-1").status == Order.Status.SYNCED
    assert Order.objects.filter(user=shop, status=Order.Status.SYNCED).count() == 20
    with time_machine.travel(timezone.now() + timedelta(minutes=62)):
        assert schedule.due_user_ids() == [shop.pk]  # the backlog is due at the next tick, the small shop not
        schedule.tick()
    assert Order.objects.filter(user=shop, status=Order.Status.SYNCED).count() == 25
    assert SyncState.objects.get(user=shop).backlog is False
    assert [run.synced for run in SyncRun.objects.filter(user=shop).order_by("pk")] == [10, 10, 5]
    assert SandboxInvoice.objects.count() == 26


def test_the_time_budget_ends_a_run_and_leaves_the_rest_for_the_next_tick(shop, settings):
    settings.SYNC_RUN_SECONDS = 0  # every order after the first is over budget
    make_order(shop, "WS-1")
    make_order(shop, "WS-2")
    run = run_division(user_id=shop.pk)
    assert run.synced == 0 and SyncState.objects.get(user=shop).backlog is True
    assert schedule.due_user_ids() == [shop.pk]


def test_one_run_per_division_at_a_time(shop):
    make_order(shop, "WS-1")
    other = connections.create_connection("default")  # another process's session
    try:
        other.cursor().execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, 1001])  # a run elsewhere holds it
        assert run_division(user_id=shop.pk) is None
        assert not SyncRun.objects.exists()
        assert Order.objects.get(number="WS-1").status == Order.Status.RECEIVED
    finally:
        other.close()  # as a killed worker's connection: PostgreSQL frees the lock
    run = run_division(user_id=shop.pk)
    assert run.synced == 1


def test_a_run_left_running_by_a_dead_worker_is_marked_interrupted(shop):
    stale = SyncRun.objects.create(user=shop, division=1001)
    make_order(shop, "WS-1")
    run_division(user_id=shop.pk)
    stale.refresh_from_db()
    assert stale.outcome == SyncRun.Outcome.INTERRUPTED and stale.finished_at is not None
