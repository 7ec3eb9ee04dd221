"""Money under faults, with a real Celery worker: a billing task that meets a database
error (its connection cut while it waits for a row lock, as in an outage or a deadlock
victim) after the webhook was answered 200 retries with backoff and finishes the work,
once (issue 17, item 6)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions.models import Invoice, MollieSubscription, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _in_own_thread(function, *args):
    """Run ``function`` on a thread (and database connection) of its own, committed."""

    def run():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _cut_the_waiting_connection(worker) -> int:
    """Wait until another session of this test database waits for a row lock (the worker's
    task: the test holds the lock) and end it as an outage would. Returns its pid."""

    def waiting() -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # (read once per transaction otherwise)
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            row = cursor.fetchone()
        return row[0] if row else None

    pid = worker.wait_until(waiting, timeout=30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid


def test_a_webhook_task_whose_database_connection_is_cut_retries_and_applies_the_payment_once(
    sandbox_worker, subscribe
):
    response, payment = subscribe()
    with transaction.atomic():
        Payment.objects.select_for_update().get(pk=payment.pk)  # the task will wait for this row
        # The payer pays (in a thread of its own, so the sandbox commits and calls our webhook
        # through the worker: answered 200, the task is queued and waits for the row).
        assert _in_own_thread(checkout, response["Location"], "paid").status_code == 302
        _cut_the_waiting_connection(sandbox_worker)
    sandbox_worker.wait_until(lambda: Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID, timeout=60)
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    assert AuditEvent.objects.filter(action="payment.paid", target_id=str(payment.pk)).count() == 1
    assert Invoice.objects.filter(payment=payment).count() == 1
    sandbox_worker.wait_until(lambda: MollieSubscription.objects.filter(subscription=subscription).exists())
    assert SandboxObject.objects.filter(kind="subscription").count() == 1


def test_a_push_whose_database_connection_is_cut_after_mollie_answered_makes_one_mollie_subscription(
    sandbox_worker, subscribe
):
    from subscriptions.tasks import push_subscription

    controls.add_fault("webhook_drop", count=5)
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    from subscriptions.services import payment_sync

    with pytest.MonkeyPatch.context() as lost:  # the push after the activation was lost
        lost.setattr("subscriptions.services.payments.push_later", lambda subscription: None)
        payment_sync(mollie_id=payment.mollie_id)
    subscription = Subscription.objects.get(pk=payment.subscription_id, status=Subscription.Status.ACTIVE)
    with transaction.atomic():
        Subscription.objects.select_for_update().get(pk=subscription.pk)
        push_subscription.delay(subscription.pk)  # Mollie creates it, then the task waits for the row
        _cut_the_waiting_connection(sandbox_worker)
    link = sandbox_worker.wait_until(
        lambda: MollieSubscription.objects.filter(subscription=subscription).first(), timeout=60
    )
    # The retry asked again with the same idempotency key: Mollie has one subscription.
    assert list(SandboxObject.objects.filter(kind="subscription").values_list("pk", flat=True)) == [link.mollie_id]
    assert AuditEvent.objects.filter(action="subscription.scheduled", target_id=str(subscription.pk)).count() == 1
