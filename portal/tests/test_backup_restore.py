"""The restore drill (issue 18, item 6): a populated database (customers, audit trail with a
checkpoint beat wrote, a data export in the object store, accounts closed long ago and not so
long ago) is backed up with `manage.py backup` and restored with `manage.py restore` into a
new database. On the restored database `audit verify` passes against the checkpoints and
`retention report` says what it says on the original. A restore into an existing database or
from a damaged backup is refused with nothing changed, and backups older than the register's
period are removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.checkpoints import create_checkpoint
from consent.marketing import services as marketing
from portal import backups
from retention import services as retention
from retention.models import DataExport

pytestmark = pytest.mark.django_db(transaction=True)


def restored_name() -> str:
    return f"{connection.settings_dict['NAME']}_restored"[:63]


def manage(*args: str, database: str) -> subprocess.CompletedProcess:
    """``manage.py`` in its own process against ``database`` (as an operator runs it)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_TEST_DB_NAME"}
    env["DATABASE_URL"] = backups.database_url({**connection.settings_dict, "NAME": database})
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )


def drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def populated(make_user, s3_bucket, s3_storage, s3_checkpoint_storage, monkeypatch):
    monkeypatch.setenv("S3_BUCKET", s3_bucket)  # the commands' processes: files and checkpoints in the store
    customers = [make_user(f"klant{n}") for n in range(1, 6)]
    for customer in customers[:3]:
        marketing.preference_set(user=customer, objected=True, via=marketing.Via.PREFERENCES, by=customer)
    export = retention.export_request(user=customers[0])  # built at once (eager), into the bucket
    export.refresh_from_db()
    assert export.status == "ready" and s3_storage.exists(export.file_name)
    now = timezone.now()
    type(customers[0]).objects.filter(pk=customers[3].pk).update(closed_at=now - timedelta(days=200), is_active=False)
    type(customers[0]).objects.filter(pk=customers[4].pk).update(closed_at=now - timedelta(days=80), is_active=False)
    create_checkpoint()  # the hourly one beat writes
    marketing.preference_set(user=customers[1], objected=False, via=marketing.Via.PREFERENCES, by=customers[1])
    drop(restored_name())
    yield customers, export
    drop(restored_name())


def test_a_backup_restored_into_a_new_database_verifies_and_reports_the_same(populated, tmp_path):
    customers, export = populated
    original = connection.settings_dict["NAME"]
    call_command("backup", "--directory", str(tmp_path))
    (backup,) = tmp_path.glob("backup-*")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["objects"]["files"] == [
        {"name": export.file_name, "size": export.size, "sha256": manifest["objects"]["files"][0]["sha256"]}
    ]
    assert len(manifest["objects"]["checkpoints"]) == 2  # beat's and the backup's own
    assert manifest["kept_days"] == 35

    done = manage("restore", "--from", str(backup), "--database", restored_name(), database=original)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 missing, 0 changed" in done.stdout and "audit trail intact" in done.stdout
    assert "exports in the restored database whose file is gone: 0" in done.stdout

    # On the restored database, as the operator checks it: the trail against the newest
    # checkpoint (the backup's), and the retention report equal to the original's.
    verified = manage("audit", "verify", "--json", database=restored_name())
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)
    assert report["ok"] and report["checkpoint"] == manifest["checkpoint"].rsplit("/", 1)[1]
    assert report["events"] >= 5
    restored_report = manage("retention", "report", "--json", database=restored_name())
    original_report = manage("retention", "report", "--json", database=original)
    assert restored_report.returncode == 0, restored_report.stderr
    restored_rows = {k: v for k, v in json.loads(restored_report.stdout).items() if k != "generated_at"}
    assert restored_rows == {k: v for k, v in json.loads(original_report.stdout).items() if k != "generated_at"}
    (rows,) = restored_rows.values()
    account = next(row for row in rows if row["policy"] == "account")
    assert (account["due_now"], account["due_next_30_days"]) == (1, 1)
    assert DataExport.objects.filter(status="ready").count() == 1  # the original is untouched


def test_events_after_the_backup_show_as_lost_and_a_named_checkpoint_still_verifies(populated, tmp_path):
    customers, _export = populated
    original = connection.settings_dict["NAME"]
    backup = backups.make_backup(tmp_path)
    # After the backup: more events and a newer checkpoint (the database is then "lost").
    marketing.preference_set(user=customers[2], objected=False, via=marketing.Via.PREFERENCES, by=customers[2])
    create_checkpoint()
    done = manage("restore", "--from", str(backup.path), "--database", restored_name(), database=original)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 checkpoints are newer than this backup" in done.stdout
    assert manage("audit", "verify", database=restored_name()).returncode == 1  # the newest pins the lost event
    assert manage("audit", "verify", "--checkpoint", backup.checkpoint, database=restored_name()).returncode == 0


def test_a_restore_into_an_existing_database_or_from_a_damaged_backup_is_refused(populated, tmp_path):
    original = connection.settings_dict["NAME"]
    backup = backups.make_backup(tmp_path)
    refused = manage("restore", "--from", str(backup.path), "--database", original, database=original)
    assert refused.returncode != 0 and "exists already" in refused.stderr
    refused = manage("restore", "--from", str(backup.path), "--database", "x; DROP DATABASE y", database=original)
    assert refused.returncode != 0 and "not a plain database name" in refused.stderr
    with (backup.path / "database.dump").open("r+b") as dump:
        dump.seek(200)
        dump.write(b"\x00" * 16)
    refused = manage("restore", "--from", str(backup.path), "--database", restored_name(), database=original)
    assert refused.returncode != 0 and "damaged" in refused.stderr
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [restored_name()])
        assert cursor.fetchone() is None  # nothing was created


def test_backups_older_than_the_register_period_are_removed(tmp_path):
    now = timezone.now().astimezone(UTC)
    for age in (34, 36):
        (tmp_path / f"backup-{now - timedelta(days=age):%Y%m%dT%H%M%SZ}").mkdir()
    (tmp_path / "notes").mkdir()
    removed = backups.prune(tmp_path, now=now)
    assert len(removed) == 1 and sorted(p.name for p in tmp_path.iterdir())[0].startswith("backup-")
    assert len(list(tmp_path.glob("backup-*"))) == 1 and (tmp_path / "notes").exists()
    assert backups.kept_for_days() == 35


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "nl",
            "Gegevens die wij wissen of anonimiseren, blijven in de back-ups van daarvoor staan tot die verlopen: 35 dagen na het maken van de back-up.",
        ),
        (
            "en",
            "Data we erase or anonymise stays in the backups made before that until they expire: 35 days after the backup was made.",
        ),
    ],
)
def test_the_privacy_statement_says_erased_data_lives_on_in_backups_until_they_expire(client, language, sentence):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert sentence in page
    assert 'id="category-backups"' in page  # the register's category, with its period and purpose
