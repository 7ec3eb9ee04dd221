"""Test helpers for every app: prove that a piece of code writes its audit event.

    from audit.testing import audited_writes

    def test_cancel_is_evidence(...):
        with audited_writes():
            services.subscription_cancel_at_period_end(subscription=s, by=user)

fails when the block wrote to any table (other than bookkeeping tables such as sessions)
without also inserting an audit event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

# Bookkeeping that is not "data a customer or staff member sees".
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "usersessions_usersession",
        "retention_heartbeat",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


@dataclass
class Writes:
    tables: list[str] = field(default_factory=list)

    @property
    def audited(self) -> bool:
        return "audit_auditevent" in self.tables

    @property
    def data_tables(self) -> set[str]:
        return {t for t in self.tables if t not in IGNORED_TABLES and t != "audit_auditevent"}


@contextmanager
def audited_writes(*, require_write: bool = True) -> Iterator[Writes]:
    writes = Writes()

    def spy(execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            writes.tables.append(match.group(1).lower())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        yield writes
    if require_write:
        assert writes.data_tables, "the block changed no data: this check proves nothing"
    if writes.data_tables:
        assert writes.audited, f"data changed without an audit event: {sorted(writes.data_tables)}"
