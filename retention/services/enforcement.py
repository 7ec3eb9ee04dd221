"""Enforcement: disposing of what is past its period.

Enforcement walks the register (:mod:`register.registry`). For each enforced category it
selects the primary keys of due rows in batches (keyset pagination on the primary key,
``LIMIT batch_size``, rows locked ``FOR UPDATE``), excluding customers under a legal hold,
and hands each batch to the category's set-based ``dispose``. Each batch is one
transaction together with its disposal-record update, so a crash loses at most the batch
in flight and the next run (which selects what is due *now*) simply finishes the work.

A dry run executes exactly the same code inside one transaction that is rolled back at the
end, so what it reports is by construction what ``enforce`` would do at that moment
(database sequences still advance; nothing else persists; after-commit side effects such as
removing export files never run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from audit.events import Action
from audit.services import record
from register import registry
from retention.base import RetentionError, RunInProgress, now
from retention.models import DisposalRecord, Heartbeat, LegalHold, RetentionRun, RunStatus

logger = logging.getLogger(__name__)

HEARTBEAT = "enforce"
DEFAULT_BATCH_SIZE = 5000
# The beat job runs daily; a successful run older than this means one was missed.
MAX_RUN_AGE = timedelta(hours=26)
_ADVISORY_LOCK_KEY = 0x5245_5445  # "RETE"


# --- results ---------------------------------------------------------------------------


@dataclass
class PolicyResult:
    policy: str
    end_action: str
    cutoff: datetime | None
    disposed: int = 0
    held: int = 0
    batches: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cutoff"] = self.cutoff.isoformat() if self.cutoff else None
        return data


@dataclass
class RunResult:
    dry_run: bool
    started_at: datetime
    run_id: str | None = None
    status: str = RunStatus.RUNNING
    finished_at: datetime | None = None
    policies: list[PolicyResult] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.disposed for p in self.policies)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "status": str(self.status),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "policies": [p.as_dict() for p in self.policies],
            "total": self.total,
        }


# --- enforcement -----------------------------------------------------------------------


def _held_user_ids():
    return LegalHold.objects.held_user_ids()


def _policies(policy: str | None) -> list[registry.Category]:
    enforced = registry.enforced_categories()
    if policy is None:
        return enforced
    for category in enforced:
        if category.name == policy:
            return [category]
    raise RetentionError(f"unknown policy {policy!r}; choose from: {', '.join(c.name for c in enforced)}")


def _cutoff(category: registry.Category, at: datetime) -> datetime | None:
    period = category.period
    if period is None:
        return None
    if not (period.years or period.months or period.days):
        return at  # due at its own moment (e.g. a session's expiry), not by whole days
    return period.cutoff(at)


def _enforce_category(
    category: registry.Category,
    *,
    at: datetime,
    batch_size: int,
    run: RetentionRun | None,
    on_batch: Callable[[registry.Category, int], None] | None = None,
) -> PolicyResult:
    held_ids = _held_user_ids()
    result = PolicyResult(policy=category.name, end_action=str(category.end_action), cutoff=_cutoff(category, at))
    result.held = category.held_queryset(at, held_ids).count()
    record_row = None
    if run is not None:
        record_row, _created = DisposalRecord.objects.get_or_create(
            run=run,
            policy=category.name,
            defaults={
                "end_action": result.end_action,
                "cutoff": result.cutoff,
                "held": result.held,
                "started_at": now(),
            },
        )
    last = None
    while True:
        with transaction.atomic():
            _relax_commit()
            queryset = category.due_queryset(at, held_ids).order_by("pk")
            if last is not None:
                queryset = queryset.filter(pk__gt=last)
            ids = list(queryset.select_for_update().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            counts = category.dispose(ids) if category.dispose else {}
            last = ids[-1]
            result.disposed += len(ids)
            result.batches += 1
            for label, n in counts.items():
                if n:
                    result.rows[label] = result.rows.get(label, 0) + n
            if record_row is not None:
                DisposalRecord.objects.filter(pk=record_row.pk).update(
                    disposed=F("disposed") + len(ids), batches=F("batches") + 1, rows=result.rows
                )
        if on_batch is not None:
            on_batch(category, len(ids))
    if record_row is not None:
        DisposalRecord.objects.filter(pk=record_row.pk).update(finished_at=now())
    return result


def _relax_commit() -> None:
    """Do not wait for the WAL flush at the end of each batch. A database crash can then
    lose the last batches' commits (PostgreSQL keeps the state consistent: the disposal and
    its record go together); the next run redoes them, since it disposes of whatever is due.
    Measured: the flush per batch was the largest single cost of a run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])


def heartbeat() -> Heartbeat:
    beat, _created = Heartbeat.objects.get_or_create(name=HEARTBEAT, defaults={"installed_at": now()})
    return beat


def enforce(
    *,
    policy: str | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    trigger: str = "command",
    on_batch: Callable[[registry.Category, int], None] | None = None,
) -> RunResult:
    """Dispose of everything past its period (or, with ``dry_run``, report what that would
    be and change nothing). Raises :class:`RunInProgress` when another run holds the lock."""
    if batch_size < 1:
        raise RetentionError("batch size must be at least 1")
    categories = _policies(policy)
    at = now()
    result = RunResult(dry_run=dry_run, started_at=at)

    if dry_run:
        with transaction.atomic():
            for category in categories:
                result.policies.append(_enforce_category(category, at=at, batch_size=batch_size, run=None))
            transaction.set_rollback(True)
        result.status = RunStatus.SUCCEEDED
        result.finished_at = now()
        return result

    if not _try_lock():
        raise RunInProgress("another retention run is in progress")
    try:
        with transaction.atomic():
            # Runs left "running" by a crash are over: this one holds the lock.
            RetentionRun.objects.filter(status=RunStatus.RUNNING).update(status=RunStatus.FAILED, error="interrupted")
            run = RetentionRun.objects.create(started_at=at, trigger=trigger[:32], policy=policy or "")
            beat = heartbeat()
            Heartbeat.objects.filter(pk=beat.pk).update(last_started_at=at, last_run=run)
        result.run_id = str(run.pk)
        try:
            for category in categories:
                result.policies.append(
                    _enforce_category(category, at=at, batch_size=batch_size, run=run, on_batch=on_batch)
                )
        except Exception as exc:
            logger.exception("retention run %s failed", run.pk)
            RetentionRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=now(), error=exc.__class__.__name__[:200]
            )
            result.status = RunStatus.FAILED
            raise
        with transaction.atomic():
            finished = now()
            RetentionRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=finished)
            update: dict[str, Any] = {"last_run": run}
            if policy is None:  # only a full run proves the schedule is kept
                update["last_success_at"] = finished
            Heartbeat.objects.filter(name=HEARTBEAT).update(**update)
            record(
                Action.RETENTION_ENFORCED,
                system="retention",
                target=run,
                changes={
                    "run": str(run.pk),
                    "policy": policy or "all",
                    "disposed": {p.policy: p.disposed for p in result.policies},
                    "held": {p.policy: p.held for p in result.policies if p.held},
                },
            )
        result.status = RunStatus.SUCCEEDED
        result.finished_at = finished
        return result
    finally:
        try:
            _unlock()
        except DatabaseError:  # the connection died with the run; the lock died with it
            logger.warning("could not release the retention advisory lock")


def check_heartbeat() -> datetime | None:
    """Raise when the daily run is overdue; else return when it last succeeded (None: it
    never ran). A fresh install is not overdue until a run was due: the clock starts at
    ``installed_at`` (set when the heartbeat row was first made)."""
    beat = heartbeat()
    reference = beat.last_success_at or beat.installed_at
    if now() - reference > MAX_RUN_AGE:
        if beat.last_success_at is None:
            raise RuntimeError(f"never ran; no successful retention run since {reference.isoformat()} ({MAX_RUN_AGE})")
        raise RuntimeError(f"last successful retention run {reference.isoformat()} is older than {MAX_RUN_AGE}")
    return beat.last_success_at
