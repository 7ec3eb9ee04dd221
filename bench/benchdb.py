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
