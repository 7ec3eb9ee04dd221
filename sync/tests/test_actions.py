"""The customer's buttons: "Opnieuw proberen", "Alle fouten opnieuw", "Nu synchroniseren" and
"Verbinding testen" — each audited, another customer's order refused, nothing queued twice."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from exact_sandbox.models import SandboxInvoice
from sync.models import SyncRun, SyncState
from sync.services import actions
from sync.tests.conftest import configure, line, make_order
from webshop.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def events(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_retry_one_and_retry_all_put_failed_orders_back_and_are_audited(shop, customer, make_user):
    configure(shop, vat_code_high="")
    first = make_order(shop, "WS-1", lines=[line(rate=21)])
    second = make_order(shop, "WS-2", lines=[line(rate=21)])
    third = make_order(shop, "WS-3", lines=[line(rate=21)])
    actions.sync_now(user=shop, by=customer)  # runs eagerly here: all three fail
    assert Order.objects.filter(status=Order.Status.FAILED).count() == 3

    other = make_user("ander")
    with pytest.raises(actions.SyncActionError):
        actions.retry_order(user=other, by=other, order_id=first.pk)  # not theirs
    configure(shop, vat_code_high="1")
    actions.retry_order(user=shop, by=customer, order_id=first.pk)
    assert Order.objects.get(pk=first.pk).status == Order.Status.SYNCED
    event = AuditEvent.objects.get(action="sync.retry_requested")
    assert event.subject_id == shop.pk and event.target_id == str(first.pk)
    with pytest.raises(actions.SyncActionError):
        actions.retry_order(user=shop, by=customer, order_id=first.pk)  # no longer failed

    assert actions.retry_all_failed(user=shop, by=customer) == 2
    assert {o.status for o in Order.objects.filter(pk__in=[second.pk, third.pk])} == {Order.Status.SYNCED}
    assert events("sync.retry_all_requested") == 1
    assert actions.retry_all_failed(user=shop, by=customer) == 0  # nothing left: no event
    assert events("sync.retry_all_requested") == 1
    assert SandboxInvoice.objects.count() == 3


def test_sync_now_queues_one_run_a_minute_and_only_while_the_koppeling_may_run(shop, customer):
    make_order(shop, "WS-1")
    assert actions.sync_now(user=shop, by=customer) is True
    assert SyncRun.objects.get().trigger == SyncRun.Trigger.MANUAL
    assert events("sync.requested") == 1
    SyncState.objects.filter(user=shop).update(queued_at=SyncRun.objects.get().started_at)  # as if still queued
    assert actions.sync_now(user=shop, by=customer) is False
    assert events("sync.requested") == 1

    configure(shop, paused=True)
    SyncState.objects.filter(user=shop).update(queued_at=None)
    with pytest.raises(actions.SyncActionError, match="niet actief"):
        actions.sync_now(user=shop, by=customer)
    assert SyncRun.objects.count() == 1


def test_testing_the_connection_says_who_we_are_connected_as(shop, customer, make_user):
    result = actions.test_connection(user=shop, by=customer)
    assert result.ok and "Demi Demo" in result.message
    stranger = make_user("zonder")
    result = actions.test_connection(user=stranger, by=stranger)
    assert not result.ok and "Verbind eerst" in result.message
    assert [e.changes for e in AuditEvent.objects.filter(action="sync.connection_tested").order_by("pk")] == [
        {"ok": True},
        {"ok": False},
    ]
