"""The sandbox is a stand-in, installed only in development and tests: a production
migrate leaves no sandbox table (also in a database that got them from the billing app's
first migration) and production serves no sandbox URL; a development migrate (``make run``)
has them."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.conf import settings

from portal.tests.test_production_settings import PRODUCTION_ENV, manage

SANDBOX_TABLES = {
    "mollie_sandbox_object",
    "mollie_sandbox_idempotency",
    "mollie_sandbox_fault",
    "mollie_sandbox_webhook",
}


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database next to the test database (dropped afterwards)."""
    base = settings.DATABASES["default"]
    name = f"{base['NAME']}_production"[:63]
    admin = psycopg2.connect(
        dbname="postgres", user=base["USER"], password=base["PASSWORD"], host=base["HOST"], port=base["PORT"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(settings.DATABASE_URL)._replace(path=f"/{name}").geturl()
    yield url, lambda: _tables(base, name)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _tables(base: dict, name: str) -> set[str]:
    connection = psycopg2.connect(
        dbname=name, user=base["USER"], password=base["PASSWORD"], host=base["HOST"], port=base["PORT"]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_a_production_migrate_drops_the_sandbox_tables_and_serves_no_sandbox(empty_database):
    url, tables = empty_database
    env = {**PRODUCTION_ENV, "DATABASE_URL": url}
    # A production database as it was before the sandbox had its own app.
    result = manage("migrate", "subscriptions", "0004", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert SANDBOX_TABLES <= tables()

    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mollie_sandbox" not in result.stdout
    present = tables()
    assert "subscriptions_payment" in present
    assert {table for table in present if "sandbox" in table} == set()

    probe = (
        "from django.apps import apps; from django.urls import Resolver404, resolve\n"
        "assert not apps.is_installed('mollie_sandbox')\n"
        "for path in ('/sandbox/mollie/v2/payments', '/sandbox/mollie/checkout/tr_x/', '/sandbox/mollie/controls/'):\n"
        "    try:\n"
        "        resolve(path)\n"
        "    except Resolver404:\n"
        "        continue\n"
        "    raise SystemExit('served: ' + path)\n"
        "print('no sandbox')\n"
    )
    result = manage("shell", "-c", probe, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "no sandbox"


def test_a_development_migrate_on_a_fresh_sqlite_database_has_the_sandbox(tmp_path):
    env = {"DJANGO_DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path)}
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mollie_sandbox.0001" in result.stdout
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        present = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert SANDBOX_TABLES <= present and "subscriptions_payment" in present
    probe = "from django.urls import resolve; print(resolve('/sandbox/mollie/v2/payments').url_name)"
    result = manage("shell", "-c", probe, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "api"
