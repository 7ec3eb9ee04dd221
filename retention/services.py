"""Retention: enforcement, legal holds, explanations and the customer's data export.

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

import getpass
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.events import Action
from audit.services import record
from core.formatting import greeting_name
from core.mail import send_later
from register import registry
from retention.models import (
    DataExport,
    DisposalRecord,
    ExportStatus,
    Heartbeat,
    LegalHold,
    RetentionRun,
    RunStatus,
)

logger = logging.getLogger(__name__)

HEARTBEAT = "enforce"
DEFAULT_BATCH_SIZE = 5000
# The beat job runs daily; a successful run older than this means one was missed.
MAX_RUN_AGE = timedelta(hours=26)
_ADVISORY_LOCK_KEY = 0x5245_5445  # "RETE"


def now() -> datetime:
    """The one clock of this module (tests travel with time_machine)."""
    return timezone.now()


class RetentionError(Exception):
    """A request the retention service refuses (bad user, unknown policy, ...)."""


class RunInProgress(RetentionError):
    pass


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


def check_heartbeat() -> None:
    """Raise when the daily run is overdue. A fresh install is not overdue until a run was
    due: the clock starts at ``installed_at`` (set when the heartbeat row was first made)."""
    beat = heartbeat()
    reference = beat.last_success_at or beat.installed_at
    if now() - reference > MAX_RUN_AGE:
        raise RuntimeError(f"last successful retention run {reference.isoformat()} is older than {MAX_RUN_AGE}")


# --- report and explanations -------------------------------------------------------------

REPORT_HORIZON = timedelta(days=30)


def report() -> list[dict[str, Any]]:
    """Per enforced category: due now, due within the next 30 days, held back by a hold."""
    at = now()
    held_ids = _held_user_ids()
    rows = []
    for category in registry.enforced_categories():
        due_now = category.due_queryset(at, held_ids).count()
        due_soon = category.due_queryset(at + REPORT_HORIZON, held_ids).count() - due_now
        rows.append(
            {
                "policy": category.name,
                "name": str(category.verbose_name),
                "period": category.period.describe() if category.period else "",
                "end_action": str(category.end_action),
                "legal_basis": str(category.legal_basis),
                "due_now": due_now,
                "due_next_30_days": max(due_soon, 0),
                "held": category.held_queryset(at, held_ids).count(),
            }
        )
    return rows


def resolve_user(identifier: str):
    """A user by username (case-insensitive), e-mail address (any of the account's
    addresses, case-insensitive) or numeric id."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier or "\x00" in identifier:
        raise RetentionError("no user given")
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        ids = set(EmailAddress.objects.filter(email__iexact=identifier).values_list("user_id", flat=True))
        ids |= set(User.objects.filter(email__iexact=identifier).values_list("pk", flat=True))
        if len(ids) > 1:
            raise RetentionError(f"more than one user has the address {identifier!r}: give the username or the id")
        user = User.objects.filter(pk__in=ids).first()
    if user is None and identifier.isdigit():
        user = User.objects.filter(pk=int(identifier)).first()
    if user is None:
        raise RetentionError(f"no user {identifier!r} (give a username, an e-mail address or an id)")
    return user


def explain(*, user) -> list[registry.Explanation]:
    at = now()
    on_hold = LegalHold.objects.active().filter(subject_id=user.pk).exists()
    explanations = []
    for category in registry.categories():
        if category.explain is None:
            continue
        item = category.explain(user, at)
        if on_hold:
            item = registry.Explanation(
                category=item.category, held=item.held, removal_at=item.removal_at, note=item.note, on_hold=True
            )
        explanations.append(item)
    return explanations


def export_data(*, user) -> dict[str, Any]:
    """Everything the register holds about ``user``: category name → exported data."""
    return {c.name: c.export(user) for c in registry.categories() if c.export is not None}


@transaction.atomic
def export_for_ops(*, user, by=None) -> dict[str, Any]:
    """The export for ``manage.py retention export``: the same data, recorded as staff
    access to the customer's data."""
    actor, system, label = _ops_label(by)
    record(
        Action.RETENTION_EXPORT_REQUESTED,
        actor=actor,
        system=system,
        subject=user,
        changes={"via": "manage.py retention export", "by": label},
    )
    return export_data(user=user)


# --- legal holds -------------------------------------------------------------------------


def _ops_label(by) -> tuple[Any, str | None, str]:
    """(actor, system, label) for the audit event and the hold record."""
    if by is not None and getattr(by, "is_authenticated", False):
        return by, None, by.get_username()
    label = str(by) if by else f"manage.py ({getpass.getuser()})"
    return None, "retention", label


@transaction.atomic
def hold_add(*, user, reason: str, by=None) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("a hold needs a reason")
    if len(reason) > 500:
        raise RetentionError("the reason is longer than 500 characters")
    # Locks the user row: an enforcement batch erasing this account finishes first (and
    # then the hold has nothing to hold), or waits for the hold.
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user.pk).first()
    if user is None:
        raise RetentionError("that user no longer exists")
    actor, system, label = _ops_label(by)
    hold = LegalHold.objects.create(subject_id=user.pk, user=user, reason=reason, created_at=now(), created_by=label)
    record(
        Action.RETENTION_HOLD_ADDED,
        actor=actor,
        system=system,
        subject=user,
        target=hold,
        changes={"hold": hold.pk, "reason": [None, reason]},
    )
    return hold


@transaction.atomic
def hold_release(*, hold_id: int, by=None) -> LegalHold:
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise RetentionError(f"no legal hold #{hold_id}")
    if hold.released_at is not None:
        raise RetentionError(f"legal hold #{hold_id} was already released on {hold.released_at:%Y-%m-%d %H:%M}")
    actor, system, label = _ops_label(by)
    hold.released_at = now()
    hold.released_by = label
    hold.save(update_fields=["released_at", "released_by"])
    record(
        Action.RETENTION_HOLD_RELEASED,
        actor=actor,
        system=system,
        subject_id=hold.subject_id,
        target=hold,
        changes={"hold": hold.pk, "released_at": [None, hold.released_at.isoformat()]},
    )
    return hold


# --- the customer's data export ----------------------------------------------------------


def export_is_downloadable(export: DataExport, *, at: datetime | None = None) -> bool:
    from retention.personal_data import EXPORT_PERIOD

    at = at or now()
    return (
        export.status == ExportStatus.READY
        and export.ready_at is not None
        and EXPORT_PERIOD.ends_at(export.ready_at) > at
    )


def export_expires_at(export: DataExport) -> datetime | None:
    from retention.personal_data import EXPORT_PERIOD

    return EXPORT_PERIOD.ends_at(export.ready_at) if export.ready_at else None


@transaction.atomic
def export_request(*, user, by=None) -> DataExport:
    """Queue a data export for ``user`` (asked by the customer, or by staff as ``by``; the
    download link goes to the customer either way); while one is being made, that one is
    returned."""
    from retention.tasks import build_export

    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    busy = DataExport.objects.filter(user=user, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).first()
    if busy is not None:
        return busy
    export = DataExport.objects.create(user=user, requested_at=now())
    record(Action.RETENTION_EXPORT_REQUESTED, actor=by or user, subject=user, target=export)
    export_id = str(export.pk)
    transaction.on_commit(lambda: build_export.delay(export_id))
    return export


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def export_build(*, export_id: str, language: str | None = None) -> DataExport | None:
    """Make the ZIP (one JSON file per category plus a readable HTML summary) and mail the
    customer. Idempotent: a finished export is left alone."""
    from retention.personal_data import export_dir

    if not _is_uuid(export_id):
        return None
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return export
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=0)
    user = export.user
    categories = [c for c in registry.categories() if c.export is not None]
    data: dict[str, Any] = {}
    for index, category in enumerate(categories, start=1):
        data[category.name] = category.export(user)
        DataExport.objects.filter(pk=export.pk).update(progress=int(90 * index / len(categories)))
    with translation.override(language or settings.LANGUAGE_CODE):
        explanations = explain(user=user)
        summary = render_to_string(
            "retention/export_summary.html",
            {
                "user": user,
                "made_at": now(),
                "sections": [
                    {
                        "category": c,
                        "data": data[c.name],
                        "json": json.dumps(data[c.name], indent=2, ensure_ascii=False, default=str),
                    }
                    for c in categories
                ],
                "explanations": explanations,
            },
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for category in categories:
            archive.writestr(f"{category.name}.json", _json(data[category.name]))
        archive.writestr("overzicht.html", summary.encode("utf-8"))
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{export.pk}.zip"
    partial = directory / f"{name}.part"
    partial.write_bytes(buffer.getvalue())
    partial.replace(directory / name)
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.READY, progress=100, ready_at=now(), file_name=name, size=len(buffer.getvalue())
        )
        export.refresh_from_db()
        if user.email:
            send_later(
                "retention/email/export_ready",
                to=[user.email],
                context={
                    "username": user.get_username(),
                    "greeting_name": greeting_name(user),
                    "url": f"{settings.SITE_URL}/portal/mijn-gegevens/download/{export.pk}/",
                    "expires_at": timezone.localtime(export_expires_at(export)).strftime("%d-%m-%Y %H:%M"),
                },
                language=language,
            )
    return export


@transaction.atomic
def export_failed(*, export_id: str, language: str | None = None) -> DataExport | None:
    """The export could not be made (after its retries): it ends as failed, so the customer
    can ask again at once, and the customer gets a mail saying so. Once only."""
    from retention.personal_data import export_dir

    if not _is_uuid(export_id):
        return None
    export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
    if export is None or export.status in (ExportStatus.READY, ExportStatus.FAILED):
        return export
    export.status = ExportStatus.FAILED
    export.save(update_fields=["status"])
    record(Action.RETENTION_EXPORT_FAILED, system="retention", subject=export.user, target=export)
    partial = export_dir() / f"{export.pk}.zip.part"

    def remove_partial() -> None:
        try:
            partial.unlink(missing_ok=True)
        except OSError:  # the disk that failed the export may fail this too
            logger.warning("could not remove %s", partial)

    transaction.on_commit(remove_partial)
    if export.user.email:
        send_later(
            "retention/email/export_failed",
            to=[export.user.email],
            context={
                "greeting_name": greeting_name(export.user),
                "url": f"{settings.SITE_URL}/portal/mijn-gegevens/#download",
            },
            language=language,
        )
    return export


def export_downloaded(*, export: DataExport, by) -> None:
    record(Action.RETENTION_EXPORT_DOWNLOADED, actor=by, subject=export.user, target=export)
