"""The test database is emptied after a transactional test by portal/testing/fast_flush.py
(DELETE of the tables that hold rows, TRUNCATE of the append-only ones) instead of Django's
TRUNCATE of every table: it must leave every table as empty as flush does, and post_migrate
must put back what flush's does (content types, permissions, the staff roles, the seed
statement)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction

from accounts.roles import ROLES
from audit.models import AuditEvent
from audit.services import Action, record
from consent.models import Processor, StatementVersion
from portal.testing.fast_flush import FALLBACKS, _plan, _tables_with_rows, empty_database

pytestmark = pytest.mark.django_db(transaction=True)


def _row_counts() -> dict[str, int]:
    tables, _truncate = _plan(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (model tables)
            counts[table] = cursor.fetchone()[0]
    return counts


def test_every_table_is_empty_afterwards_the_append_only_ones_included(make_user, staff):
    customer = make_user("leegmaken", address=True)
    with transaction.atomic():
        record(Action.AUTH_LOGIN, actor=customer, subject=customer)
    assert AuditEvent.objects.exists() and StatementVersion.objects.exists() and Processor.objects.exists()
    full = {table for table, count in _row_counts().items() if count}
    assert {"accounts_user", "accounts_profile", "audit_auditevent", "consent_statementversion"} <= full
    assert set(_tables_with_rows(connection, sorted(_plan(connection)[0]))) == full

    fallbacks = FALLBACKS["count"]
    assert empty_database(connection) is True
    assert {table: count for table, count in _row_counts().items() if count} == {}
    assert FALLBACKS["count"] == fallbacks  # by its own DELETEs and TRUNCATE, not Django's flush
    assert empty_database(connection) is False  # nothing left to empty


def test_post_migrate_then_puts_back_what_a_flush_does():
    empty_database(connection)
    emit_post_migrate_signal(0, False, connection.alias)
    assert ContentType.objects.filter(app_label="subscriptions", model="payment").exists()
    assert Permission.objects.filter(codename="change_payment").exists()
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    for role, permissions in ROLES.items():
        assert Group.objects.get(name=role).permissions.count() == len(permissions)
    assert StatementVersion.objects.count() == 1
