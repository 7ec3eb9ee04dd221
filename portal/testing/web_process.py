"""The portal served by a real gunicorn (gunicorn.conf.py, as in production) for tests that
are about the process itself: its log lines, its metrics across worker processes.

``run_gunicorn(database_settings=connection.settings_dict, extra_env={...}, workers=2)`` is a
context manager: it starts gunicorn on a free loopback port against the given (test)
database, waits until ``/healthz`` answers and yields a ``WebProcess`` with ``url``,
``log_text()`` (everything the master and workers wrote to stdout and stderr) and ``pid``.
The process is stopped (SIGTERM, then SIGKILL) on exit. The test must commit what gunicorn
should see (``transactional_db``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.testing.celery_worker import BASE_DIR, _database_url

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@dataclass
class WebProcess:
    process: subprocess.Popen
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        # Long enough for a worker still importing Django: a probe that gave up early would be
        # answered later all the same and counted twice in the request metrics.
        with urllib.request.urlopen(url + "/healthz", timeout=20) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


@contextmanager
def run_gunicorn(
    *, database_settings: dict, extra_env: dict[str, str] | None = None, workers: int = 2, port: int | None = None
) -> Iterator[WebProcess]:
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(database_settings),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "SITE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "GUNICORN_DRAIN_SECONDS": "0",  # stop at once (the rehearsal tests the drain)
        **(extra_env or {}),
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_TEST_DB_NAME", "PROMETHEUS_MULTIPROC_DIR"):
        if name not in (extra_env or {}):
            env.pop(name, None)
    log_path = Path(tempfile.mkdtemp(prefix="gunicorn-")) / "web.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    web = WebProcess(process=process, url=url, log_path=log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _answers(url):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}.\n{web.log_text()[-4000:]}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {READY_TIMEOUT_S}s.\n{web.log_text()[-4000:]}")
            time.sleep(0.2)
        yield web
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
