"""Erasure at Mollie: when retention erases an account, the customer record Mollie holds
for it (name, e-mail address) is deleted there too (``DELETE /v2/customers/{id}``).

The erasure's transaction writes one :class:`MollieCustomerDeletion` per Mollie customer of
the erased accounts (:func:`mollie_customers_forget`, called from the billing register's
``erase_users``); after it commits, the task ``delete_mollie_customers`` asks Mollie
(:func:`mollie_customers_delete`). Mollie being down never loses one: the row stays, the
task retries, and reconciliation (every 15 minutes) picks up whatever is still waiting. The
same idempotency key (``customer-delete-<row pk>``) on every attempt, and a customer Mollie
no longer knows (404, 410) counts as deleted, so a repeat is harmless. Each deletion is
recorded as ``payment.customer_deleted`` in the erased account's audit chain.

Mollie keeps the customer's payments for its own statutory retention (see
docs/retention.md); we cannot and do not delete those."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from audit.events import Action
from audit.services import record
from core.on_commit import after_commit
from register.cascade import in_batch
from subscriptions import mollie
from subscriptions.enums import System
from subscriptions.models import MollieCustomer, MollieCustomerDeletion
from subscriptions.services.base import current_time
from subscriptions.services.followup import DELETE_MOLLIE_CUSTOMERS

logger = logging.getLogger(__name__)


@dataclass
class DeletionReport:
    deleted: int = 0
    waiting: int = 0  # still to do (Mollie unavailable or refusing; the next run tries again)


def mollie_customers_forget(*, user_ids: Iterable[int]) -> int:
    """Inside the erasure's transaction: remember the Mollie customers of these accounts for
    deletion at Mollie, and ask for it once the erasure commits (a rolled-back erasure, or
    a dry run, asks nothing). Set-based: one SELECT and one INSERT per batch."""
    rows = [
        MollieCustomerDeletion(mollie_id=mollie_id, subject_id=user_id, requested_at=current_time())
        for user_id, mollie_id in MollieCustomer.objects.filter(
            user_id__in=in_batch(list(user_ids)), mollie_id__isnull=False
        )
        .exclude(mollie_id="")
        .values_list("user_id", "mollie_id")
    ]
    if not rows:
        return 0
    MollieCustomerDeletion.objects.bulk_create(rows, ignore_conflicts=True)
    after_commit(DELETE_MOLLIE_CUSTOMERS, robust=True)  # lost → reconciliation picks it up
    return len(rows)


def mollie_customers_delete() -> DeletionReport:
    """Delete every waiting customer at Mollie, oldest first. Calls Mollie outside any
    transaction; each confirmed deletion is recorded and its row removed under a row lock
    (two runs at once record it once). Raises :class:`mollie.MollieUnavailable` (the task
    retries) or :class:`mollie.MollieMisconfigured` after counting the attempt; the rest
    waits. Any other refusal is logged and counted, and the next row is tried."""
    report = DeletionReport()
    for pending in MollieCustomerDeletion.objects.all():
        try:
            mollie.customer_delete(customer_id=pending.mollie_id, idempotency_key=f"customer-delete-{pending.pk}")
        except mollie.MollieError as exc:
            _attempt_failed(pending, exc)
            if isinstance(exc, (mollie.MollieUnavailable, mollie.MollieMisconfigured)):
                raise  # the rest would fail alike: wait for Mollie (or ops), keep the order
            logger.error("Mollie refused to delete customer %s: %s", pending.mollie_id, exc)
            continue
        report.deleted += _deleted(pending)
    report.waiting = MollieCustomerDeletion.objects.count()
    return report


@transaction.atomic
def _deleted(pending: MollieCustomerDeletion) -> int:
    row = MollieCustomerDeletion.objects.select_for_update().filter(pk=pending.pk).first()
    if row is None:  # another run recorded it meanwhile
        return 0
    record(
        Action.MOLLIE_CUSTOMER_DELETED,
        system=System.BILLING,
        subject_id=row.subject_id,
        target_type="subscriptions.molliecustomer",
        target_id=row.mollie_id,
        changes={"mollie_id": [row.mollie_id, None], "attempts": row.attempts + 1},
    )
    row.delete()
    return 1


@transaction.atomic
def _attempt_failed(pending: MollieCustomerDeletion, exc: Exception) -> None:
    MollieCustomerDeletion.objects.filter(pk=pending.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
    )
