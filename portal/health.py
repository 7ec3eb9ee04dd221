"""Health of the web tier and of the scheduled jobs, kept apart.

``/readyz`` answers for the web tier only (the database and Redis): it is what the load
balancer asks, and a late job must not take the web servers out of service. The jobs'
heartbeats have their own endpoint (``/healthz/jobs``, for monitoring) and command
(``manage.py jobs status``).

Every job in ``CELERY_BEAT_SCHEDULE`` is reported, by its name there. A job's task records
its last success (``record_success``, connected to Celery's ``task_success`` signal in
``portal.celery``) in a heartbeat row named after the job; the clock starts when the row is
made (the first status check or the first success), so a fresh install is not overdue for
runs it was never due to make. A job is overdue when its next scheduled run after the last
success (or after the clock started) is more than one period late: one missed run is
tolerated, two are not. A job can have a check of its own instead
(``settings.JOB_HEARTBEAT_CHECKS``: job name → dotted path of a callable that raises when
the job is overdue; the daily retention run has one, 26 hours).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string


def draining() -> bool:
    """True once gunicorn received SIGTERM and drains (the marker named by PORTAL_DRAIN_FILE)."""
    marker = os.environ.get("PORTAL_DRAIN_FILE")
    return bool(marker) and os.path.exists(marker)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


WEB_CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "redis": check_redis}


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""
    state: str = ""  # for people: "ok", "never ran", "OVERDUE"


def _run(name: str, check: Callable[[], None], *, detail: bool) -> CheckResult:
    try:
        check()
    except Exception as exc:  # noqa: BLE001  (any failure means "not ok")
        return CheckResult(name, False, str(exc)[:300] if detail else exc.__class__.__name__)
    return CheckResult(name, True)


def web_readiness() -> list[CheckResult]:
    return [_run(name, check, detail=False) for name, check in WEB_CHECKS.items()]


JOB_ROW_PREFIX = "job:"  # heartbeat rows of the beat jobs (retention's own run has "enforce")


def next_run_after(schedule, moment: datetime) -> datetime:
    """The first time after ``moment`` at which ``schedule`` (a crontab, or an interval)
    starts the job (UTC, whole minutes for a crontab). Celery also takes a number of seconds
    or a timedelta as a schedule (the sync tick: 60.0)."""
    if isinstance(schedule, int | float):
        return moment + timedelta(seconds=schedule)
    if isinstance(schedule, timedelta):
        return moment + schedule
    run_every = getattr(schedule, "run_every", None)
    if not hasattr(schedule, "minute") and run_every is not None:
        return moment + run_every
    at = moment.astimezone(UTC).replace(second=0, microsecond=0)
    for _minute in range(60 * 24 * 32):  # a month of minutes covers every schedule we use
        at += timedelta(minutes=1)
        if (
            at.minute in schedule.minute
            and at.hour in schedule.hour
            and at.isoweekday() % 7 in schedule.day_of_week
            and at.day in schedule.day_of_month
            and at.month in schedule.month_of_year
        ):
            return at
    raise ValueError(f"no run of {schedule} within a month after {moment}")


def _row(job: str):
    from retention.models import Heartbeat

    row, _created = Heartbeat.objects.get_or_create(
        name=f"{JOB_ROW_PREFIX}{job}"[:64], defaults={"installed_at": timezone.now()}
    )
    return row


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _job_status(job: str, schedule) -> CheckResult:
    row = _row(job)
    reference = row.last_success_at or row.installed_at
    due = next_run_after(schedule, reference)
    period = next_run_after(schedule, due) - due
    now = timezone.now()
    if now > due + period:
        if row.last_success_at is None:
            return CheckResult(job, False, f"never ran; due since {_when(due)}", "OVERDUE")
        return CheckResult(job, False, f"last success {_when(row.last_success_at)}; due since {_when(due)}", "OVERDUE")
    if row.last_success_at is None:
        return CheckResult(job, True, f"first run due {_when(due)}", "never ran")
    return CheckResult(job, True, f"last success {_when(row.last_success_at)}", "ok")


def _own_check(job: str, path: str) -> CheckResult:
    """A job's own check raises when it is overdue, else returns its last success (a
    datetime) or None when it never ran."""
    try:
        last_success = import_string(path)()
    except Exception as exc:  # noqa: BLE001  (any failure means "not ok")
        return CheckResult(job, False, str(exc)[:300], "OVERDUE")
    if isinstance(last_success, datetime):
        return CheckResult(job, True, f"last success {_when(last_success)}", "ok")
    return CheckResult(job, True, "", "never ran")


def job_heartbeats() -> list[CheckResult]:
    """One result per job in CELERY_BEAT_SCHEDULE, in its order."""
    own = settings.JOB_HEARTBEAT_CHECKS
    return [
        _own_check(job, own[job]) if job in own else _job_status(job, entry["schedule"])
        for job, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]


def record_success(task_name: str) -> None:
    """The task ``task_name`` succeeded: every beat job that runs it has run."""
    from retention.models import Heartbeat

    jobs = [job for job, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == task_name]
    for job in jobs:
        row = _row(job)
        Heartbeat.objects.filter(pk=row.pk).update(last_success_at=timezone.now())
