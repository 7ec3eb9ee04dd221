from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Checkpoints of a test go to its own directory, never to var/."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def as_database_owner():
    """Run SQL the way someone with full database access would: triggers switched off."""

    def run(sql: str, params: list | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, params or [])
                return cursor.rowcount
            finally:
                cursor.execute("SET session_replication_role = origin")

    return run
