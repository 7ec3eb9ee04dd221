"""Health of the web tier and of the scheduled jobs, kept apart.

``/readyz`` answers for the web tier only (the database and Redis): it is what the load
balancer asks, and a late job must not take the web servers out of service. The jobs'
heartbeats have their own endpoint (``/healthz/jobs``, for monitoring) and command
(``manage.py jobs status``). The job checks are listed in ``settings.JOB_HEARTBEAT_CHECKS``
(name → dotted path of a callable that raises when the job is overdue).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
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


def _run(name: str, check: Callable[[], None], *, detail: bool) -> CheckResult:
    try:
        check()
    except Exception as exc:  # noqa: BLE001  (any failure means "not ok")
        return CheckResult(name, False, str(exc)[:300] if detail else exc.__class__.__name__)
    return CheckResult(name, True)


def web_readiness() -> list[CheckResult]:
    return [_run(name, check, detail=False) for name, check in WEB_CHECKS.items()]


def job_heartbeats() -> list[CheckResult]:
    return [_run(name, import_string(path), detail=True) for name, path in settings.JOB_HEARTBEAT_CHECKS.items()]
