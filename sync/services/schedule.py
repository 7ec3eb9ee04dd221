"""The beat tick: every minute, queue one run for each customer whose koppeling is due.

Due: connected to an administration, at least one flow ticked, not paused, and the planned
time (``SyncState.next_run_at``) has come (none yet: due now). A run already queued is not
queued again until it started or ``SYNC_REQUEUE_AFTER`` passed (a lost task). Runs that left
a backlog are queued after the others, and each run is bounded (``SYNC_BATCH_ORDERS``,
``SYNC_RUN_SECONDS``), so a division's backlog never holds another division's orders past a
tick. Whether billing allows the run is asked by the run itself (``may_run``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.on_commit import after_commit
from koppeling.models import Connection
from sync.models import SyncRun, SyncState

RUN_TASK = "sync.tasks.run_division"


def due_user_ids(*, now=None) -> list[int]:
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SYNC_REQUEUE_AFTER)
    rows = (
        get_user_model()
        .objects.filter(
            exact_connection__state=Connection.State.CONNECTED,
            exact_connection__division__isnull=False,
            koppeling_settings__paused=False,
        )
        .exclude(koppeling_settings__flows=[])
        .filter(
            Q(sync_state__isnull=True)
            | (
                (Q(sync_state__next_run_at__isnull=True) | Q(sync_state__next_run_at__lte=now))
                & (Q(sync_state__queued_at__isnull=True) | Q(sync_state__queued_at__lt=stale))
            )
        )
        .order_by(  # never ran first, then by plan; a backlog last
            F("sync_state__backlog").asc(nulls_first=True),
            F("sync_state__next_run_at").asc(nulls_first=True),
            "pk",
        )
        .values_list("pk", flat=True)
    )
    return list(rows)


def queue_run(*, user_id: int, trigger: str, countdown: float | None = None) -> None:
    """Mark the run queued and send it after commit (``countdown``: seconds it waits)."""
    SyncState.objects.update_or_create(user_id=user_id, defaults={"queued_at": timezone.now()})
    after_commit(RUN_TASK, user_id, trigger, countdown=countdown)


@transaction.atomic
def tick() -> int:
    """Queue the due runs; the number queued."""
    ids = due_user_ids()
    now = timezone.now()
    SyncState.objects.bulk_create(
        [SyncState(user_id=pk, queued_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["queued_at"],
    )
    for pk in ids:
        after_commit(RUN_TASK, pk, SyncRun.Trigger.BEAT)
    return len(ids)
