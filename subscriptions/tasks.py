"""Thin Celery tasks: each calls one service. Ids in, never objects.

The services queue two of these after commit by name (``services.followup``); the names
are declared here with the same constants."""

from __future__ import annotations

import time
from dataclasses import asdict
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from core import metrics as shared
from subscriptions import mollie, services
from subscriptions.services import (
    PDF_DOCUMENTS,
    closure,
    document_pdf,
    document_ubl,
    dunning_run,
    mollie_customers_delete,
    payment_sync,
    subscription_push,
)
from subscriptions.services import reconcile as reconcile_with_mollie
from subscriptions.services.followup import DELETE_MOLLIE_CUSTOMERS, PUSH_SUBSCRIPTION, RENDER_PDF
from subscriptions.services.notifications import document_mail_send, unmailed_documents
from subscriptions.services.payment_method import MANDATE_CHANGE_FINISH
from subscriptions.services.plan_change import PLAN_CHANGE_MOLLIE_UPDATE

WEBHOOK_QUEUED = "mollie-webhook-queued:{}"
# What a billing task retries (docs/billing.md, "Retry policy"): Mollie unreachable, and
# our own database unreachable or refusing the transaction. Django raises OperationalError
# for a lost or refused connection, a deadlock victim, a serialization failure and a lock
# timeout, and InterfaceError for a connection that is already closed. Every billing task
# is safe to run again from the start: it reads what is done and does only the rest.
TRANSIENT = (mollie.MollieUnavailable, OperationalError, InterfaceError)
# Follow-up calls to Mollie after our own change committed (a push, a plan change, a new
# mandate, a refund): retried with backoff for up to about three hours. No wait between
# retries is longer than settings.TASK_LONGEST_COUNTDOWN (9 minutes): a task held longer than
# the broker's visibility timeout would run twice.
MOLLIE_FOLLOW_UP = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 10,
    "retry_backoff_max": 540,
    "max_retries": 16,
    "ignore_result": True,
}
# The scheduled jobs (reconciliation, dunning, late refunds): a run that meets a database
# error is tried again within minutes rather than at its next slot.
SCHEDULED = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 540,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=540,
    max_retries=11,
    ignore_result=True,
)
def process_webhook(mollie_id: str, received_at: float | None = None) -> None:
    """Mollie said something happened to this payment: fetch it and apply it.
    ``received_at`` (epoch seconds, when the web process took the webhook) gives the metrics'
    webhook lag, received → applied."""
    cache.delete(WEBHOOK_QUEUED.format(mollie_id))  # deliveries from now on queue a new task
    payment_sync(mollie_id=mollie_id)
    if received_at is not None:
        shared.observe(shared.WEBHOOK_LAG, max(time.time() - received_at, 0.0))


@shared_task(
    name=PUSH_SUBSCRIPTION,
    **MOLLIE_FOLLOW_UP,
)
def push_subscription(subscription_id: int) -> None:
    """Make Mollie's subscription match ours (schedule or stop the charges)."""
    subscription_push(subscription_id=subscription_id)


RECONCILE_RUNNING = "mollie-reconcile-running"


@shared_task(**SCHEDULED)
def reconcile() -> dict:
    """Every 15 minutes (beat): repair whatever webhooks missed. One run at a time: a run
    that outlasts its 15 minutes is not joined by the next one. The mark lasts no longer than
    a task may run (the hard time limit): a worker killed mid-run blocks the next run for
    minutes, not an hour."""
    if not cache.add(RECONCILE_RUNNING, 1, timeout=settings.CELERY_TASK_TIME_LIMIT + 60):
        return {"skipped": "a reconciliation is still running"}
    try:
        return asdict(reconcile_with_mollie())
    finally:
        cache.delete(RECONCILE_RUNNING)


@shared_task(**SCHEDULED)
def dunning() -> dict:
    """Daily (beat): reminders for failed automatic payments, and the end of subscriptions
    left unpaid (a catch-up job: whatever is due, once)."""
    return asdict(dunning_run())


@shared_task(ignore_result=True)
def noop() -> None:
    """Does nothing: the benchmark's yardstick for one worker's task rate."""


@shared_task(
    name=RENDER_PDF,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    ignore_result=True,
)
def render_pdf(kind: str, pk: int) -> None:
    """After an invoice or credit note is issued: render and store its PDF, then its UBL
    e-invoice (which embeds the PDF), each once."""
    model = PDF_DOCUMENTS[kind]
    document = model.objects.only("pk").filter(pk=pk).first()
    if document is not None:  # (gone only if retention removed it meanwhile)
        document_pdf(document=document)
        document_ubl(document=document)
        mail_document.delay(kind, pk)  # both are stored: mail them (once; see the task)


@shared_task(
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=540,
    max_retries=23,
    ignore_result=True,
)
def mail_document(kind: str, pk: int) -> None:
    """Mail an invoice or credit note whose PDF is stored. Exactly once per document,
    however often this runs (retries, duplicates): see notifications.document_mail_send.
    (SMTP errors are OSErrors: the mail is not marked sent and the task retries.)"""
    document_mail_send(kind=kind, pk=pk)


@shared_task(**SCHEDULED)
def mail_unsent_documents() -> int:
    """Hourly (beat): queue the mail of invoices and credit notes whose own mail task was
    lost (each is still mailed once: see notifications.document_mail_send)."""
    documents = unmailed_documents()
    for kind, pk in documents:
        mail_document.delay(kind, pk)
    return len(documents)


@shared_task(
    name=DELETE_MOLLIE_CUSTOMERS,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=540,
    max_retries=44,
    ignore_result=True,
)
def delete_mollie_customers() -> dict:
    """After an erasure commits: delete the erased accounts' customers at Mollie (whatever
    is still waiting; reconciliation repeats this if every retry failed)."""
    return asdict(mollie_customers_delete())


@shared_task(
    name=PLAN_CHANGE_MOLLIE_UPDATE,
    **MOLLIE_FOLLOW_UP,
)
def plan_change_mollie_update(change_id: int) -> None:
    """Mollie's subscription charges the changed plan's amount from its next charge on."""
    services.plan_change_mollie_update(change_id=change_id)


@shared_task(
    name=MANDATE_CHANGE_FINISH,
    **MOLLIE_FOLLOW_UP,
)
def mandate_change_finish(change_id: int) -> None:
    """Mollie's subscription onto the new mandate, the old one revoked, the cent refunded."""
    services.mandate_change_finish(change_id=change_id)


# --- closing an account ---------------------------------------------------------------------


@shared_task(name=closure.REFUND_ON_CLOSURE, **MOLLIE_FOLLOW_UP)
def refund_on_closure(payment_id: int, amount: str, refunded_before: str, by_id: int | None) -> None:
    """After an account closure commits: refund the unused days of the paid period."""
    closure.refund_unused_days(
        payment_id=payment_id, amount=Decimal(amount), refunded_before=Decimal(refunded_before), by_id=by_id
    )


@shared_task(name=closure.REFUND_LATE_CHARGES, **SCHEDULED)
def refund_late_charges() -> int:
    """Hourly (beat): late charges of closed accounts are refunded in full."""
    return closure.late_charges_refund()
