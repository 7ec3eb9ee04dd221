"""Emptying the test database after a transactional test, cheaply (docs/testing.md, "Where the
time goes").

Django's ``TransactionTestCase`` ends every test that commits (``transactional_db``: the live
server, browser and worker tests, about 400 of them) with ``manage.py flush``: one TRUNCATE of
every table (about 80), then ``post_migrate`` to put back content types, permissions, the staff
roles and the seed statement. On PostgreSQL a TRUNCATE gives each table and each of its indexes
a new file, so it costs about half a second of the server's time even though a test leaves rows
in a dozen tables at most.

Here the same end state is reached with less work: one query finds the tables that hold rows,
those are emptied with DELETE in one transaction (foreign keys checked at its commit), except
the tables whose trigger refuses DELETE (the append-only audit trail, the frozen statement
versions), which are TRUNCATEd together with every table that refers to them; then
``post_migrate`` is sent exactly as flush sends it. Should the DELETEs fail (a foreign key that
cannot wait for the commit, a table that is not what it seemed), Django's own flush runs
instead. Tests that ask for ``available_apps``, ``serialized_rollback`` or another database
than PostgreSQL get Django's flush unchanged.

``empty_database(connection)`` is the function; portal/tests/test_fast_flush.py holds it to
emptying every table.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connections, transaction
from django.test import TransactionTestCase

_PLANS: dict[tuple[str, str], tuple[list[str], set[str]]] = {}
FALLBACKS = {"count": 0}  # how often Django's flush had to run instead (the test reads it)


def _plan(connection) -> tuple[list[str], set[str]]:
    """The tables to empty, and those that must be TRUNCATEd (a trigger refuses DELETE on them,
    or they refer to such a table). Read from the catalogue once per database."""
    key = (connection.alias, connection.settings_dict["NAME"])
    if key not in _PLANS:
        tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        with connection.cursor() as cursor:
            # Triggers of our own (not the ones behind foreign keys) that fire on DELETE.
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND c.relname = ANY(%s)",
                [tables],
            )
            guarded = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT child.relname, parent.relname FROM pg_constraint k "
                "JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid "
                "WHERE k.contype = 'f' AND child.relname = ANY(%s)",
                [tables],
            )
            references = cursor.fetchall()
        # TRUNCATE refuses a table another table refers to unless that one is truncated too.
        truncate = set(guarded)
        grown = True
        while grown:
            before = len(truncate)
            truncate |= {child for child, parent in references if parent in truncate}
            grown = len(truncate) != before
        _PLANS[key] = (tables, truncate)
    return _PLANS[key]


def _tables_with_rows(connection, tables: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables)  # noqa: S608 (model tables)
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return [row[0] for row in cursor.fetchall()]


def empty_database(connection) -> bool:
    """Empty every table of the installed models; False when nothing held a row."""
    tables, truncate = _plan(connection)
    full = _tables_with_rows(connection, tables)
    if not full:
        return False
    quote = connection.ops.quote_name
    truncated = sorted(truncate) if truncate.intersection(full) else []
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if truncated:
                cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in truncated)}")
            for table in full:
                if table not in truncated:
                    cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (model tables)
    except DatabaseError:
        # Django's way, as the flush command does it (one TRUNCATE of every table).
        from django.core.management.color import no_style
        from django.core.management.sql import sql_flush

        FALLBACKS["count"] += 1
        connection.ops.execute_sql_flush(sql_flush(no_style(), connection, reset_sequences=False))
    return True


def _fixture_teardown(self) -> None:
    if self.available_apps is not None or self.serialized_rollback:
        return _django_fixture_teardown(self)
    for db_name in self._databases_names(include_mirrors=False):
        connection = connections[db_name]
        if connection.vendor != "postgresql":
            _django_fixture_teardown(self)
            return None
        # As flush does: every app's management module registers its post_migrate receivers.
        for app_config in apps.get_app_configs():
            try:
                import_module(".management", app_config.name)
            except ImportError:
                pass
        empty_database(connection)
        emit_post_migrate_signal(0, False, db_name)
    return None


_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _fixture_teardown
