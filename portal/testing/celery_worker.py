"""A real Celery worker process for tests about tasks.

How to use (see also docs/testing.md)::

    import pytest

    pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

    def test_task_runs(celery_worker_process):
        result = some_task.delay(...)          # goes through Redis, not in-process
        assert result.get(timeout=20) == ...   # tasks with a result backend
        celery_worker_process.wait_until(lambda: Thing.objects.filter(...).exists())

``celery_worker_process`` (function scope, pulls in ``transactional_db``) gives you a worker
started once per test session as a subprocess:
``python -m celery -A portal worker -Q $CELERY_QUEUE --pool=threads -c 1`` with the same
environment as pytest, except that DATABASE_URL points at the pytest TEST database (the name
is read from ``django.db.connection.settings_dict`` once pytest-django has created it), so
rows the test commits are visible to the task and rows the task writes are visible to the
test. The queue is purged before the worker starts and before every test. Because the test
and the worker are different processes, the test must commit its data: that is why
``transactional_db`` is required (the root conftest also switches Celery's eager mode off
for tests that use this fixture).

Attributes/methods of the object: ``node`` (worker node name), ``queue``, ``pid``,
``log_text()`` (the worker's output so far: mail sent by a task in development settings
lands there via the console backend), ``wait_until(predicate, timeout=20)``.

For a worker with a different environment (say, pointing at a live server), use the
context manager ``run_celery_worker(queue=..., database_settings=connection.settings_dict,
extra_env={...})`` with a queue of its own and set ``app.conf.task_default_queue`` to it.

Fails (never skips) when Redis at REDIS_URL is unreachable or the worker does not answer a
ping within 60 s; the failure message ends with the worker's log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import shared_task

BASE_DIR = Path(__file__).resolve().parent.parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@shared_task(name="portal.testing.database_probe", ignore_result=False)
def database_probe(username: str) -> dict:
    """Loaded into the test worker (``--include``): tells which database the worker uses and
    whether it sees a given user, so a test can prove it shares the test database."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    return {
        "database": connection.settings_dict["NAME"],
        "sees_user": get_user_model().objects.filter(username=username).exists(),
    }


def pytest_collection_modifyitems(config, items) -> None:
    # A test that uses the real worker is a worker test, marked or not (-m "not worker").
    for item in items:
        if "celery_worker_process" in getattr(item, "fixturenames", ()) and item.get_closest_marker("worker") is None:
            item.add_marker(pytest.mark.worker)


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    node: str
    queue: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_until(self, predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.1) -> object:
        """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if not self.alive():
                pytest.fail(f"The Celery worker died.\n{self._tail()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"Condition not met within {timeout}s.\n{self._tail()}", pytrace=False)
            time.sleep(interval)

    def _tail(self, lines: int = 60) -> str:
        return "--- worker log (tail) ---\n" + "\n".join(self.log_text().splitlines()[-lines:])


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at REDIS_URL={url!r} is not reachable ({exc}); the worker tests need it.", pytrace=False)


def _purge(app, queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


@contextmanager
def run_celery_worker(
    *,
    queue: str,
    database_settings: dict,
    extra_env: dict[str, str] | None = None,
    name: str = "pytest",
    quiet: bool = False,
) -> Iterator[WorkerProcess]:
    """Start a worker subprocess on ``queue`` against the database described by
    ``database_settings`` (``connection.settings_dict``), wait until it answers a ping, and
    stop it on exit. ``extra_env`` overrides environment variables of the worker (e.g. a
    live server's address). ``quiet`` leaves out Celery's start-up banner (as production
    does: its output is then log lines only). Used by ``celery_worker_process``; usable for a
    worker of your own when a test needs one with a different environment."""
    from django.conf import settings

    from portal.celery import app

    if not settings.REDIS_URL:
        pytest.fail("The Celery worker needs REDIS_URL (a real Redis).", pytrace=False)
    _require_redis(settings.REDIS_URL)
    _purge(app, queue)
    node = f"{name}-{os.getpid()}-{time.monotonic_ns()}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(database_settings),
        "CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("DJANGO_TEST_DB_NAME", None)
    log_path = Path(tempfile.mkdtemp(prefix="celery-worker-")) / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        *(["--quiet"] if quiet else []),
        "worker",
        "-Q",
        queue,
        "-n",
        node,
        "--pool=threads",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--include=portal.testing.celery_worker",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = WorkerProcess(process=process, node=node, queue=queue, log_path=log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if not worker.alive():
                pytest.fail(f"The Celery worker exited with {process.returncode}.\n{worker._tail()}", pytrace=False)
            if app.control.ping(destination=[node], timeout=1.0):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker did not answer within {READY_TIMEOUT_S}s.\n{worker._tail()}", pytrace=False
                )
        yield worker
    finally:
        _stop(process)
        _purge(app, queue)


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    # Depending on django_db_setup means the worker stops (and closes its connections)
    # before pytest-django drops the test database.
    from django.conf import settings
    from django.db import connection

    with django_db_blocker.unblock():
        database_settings = dict(connection.settings_dict)
    with run_celery_worker(queue=settings.CELERY_TASK_DEFAULT_QUEUE, database_settings=database_settings) as worker:
        yield worker


@pytest.fixture
def celery_worker_process(_celery_worker_session, transactional_db) -> WorkerProcess:
    from portal.celery import app

    worker = _celery_worker_session
    if not worker.alive():
        pytest.fail(f"The Celery worker is no longer running.\n{worker._tail()}", pytrace=False)
    _purge(app, worker.queue)
    return worker
