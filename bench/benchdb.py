"""A throw-away PostgreSQL database per benchmark, next to the one DATABASE_URL names, and what
every bench/bench_*.py shares for its ``--smoke`` run.

The smoke contract (the suite's ``bench_smoke`` lane, portal/tests/test_bench_smoke.py, runs
every ``bench/bench_*.py --smoke``): a tiny size that still goes end to end (setup, the measured
work, the checks of the outcome), no target enforced on the ratios, docs/benchmarks.md left
alone, exit code 0 when it ran. Databases, Redis key prefixes and queues get a suffix of their
own (``bench_db_name``), so a smoke run never meets a full run or another smoke run.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse


def bench_db_name(base: str, *, smoke: bool = False) -> str:
    """The name of a benchmark's own database (also used for its queue and key prefix):
    ``base`` plus BENCH_DB_SUFFIX when set, or plus ``smoke_<pid>`` in a smoke run."""
    suffix = os.environ.get("BENCH_DB_SUFFIX", "") or (f"smoke_{os.getpid()}" if smoke else "")
    return f"{base}_{suffix}" if suffix else base


def _admin_connection(base_url: str):
    import psycopg2

    parsed = urlparse(base_url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parsed.username,
        password=parsed.password,
        host=parsed.hostname,
        port=parsed.port or 5432,
    )
    connection.autocommit = True
    return connection


def recreate_database(base_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``base_url``; return its URL."""
    admin = _admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    return urlunparse(urlparse(base_url)._replace(path=f"/{name}"))


def drop_database(base_url: str, name: str) -> None:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    admin = _admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


# --- what several benchmarks share: their section of docs/benchmarks.md, the processes they
# start (a sandbox, gunicorn, a worker) and the free port each listens on.

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_docs_section(title: str, body: str, *, match: str | None = None) -> None:
    """Put ``## title`` with ``body`` in docs/benchmarks.md, in place of the section whose
    heading starts with ``match`` (default ``title``), or at the end; the others stay."""
    text = (
        DOCS.read_text()
        if DOCS.exists()
        else "# Benchmarks\n\nEach section is written by its `bench/bench_*.py` (run them all with `make bench`).\n"
    )
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(match or title)}[^\n]*\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, *, expect: int | None = None) -> None:
    """Until ``url`` answers (with ``expect`` when given, else anything below 500)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = requests.get(url, timeout=2).status_code
            if (status == expect) if expect is not None else status < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group a benchmark started (``start_new_session``), then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def percentile(values: list[float], fraction: float) -> float:
    """The value at ``fraction`` (0-1) of the sorted ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]
