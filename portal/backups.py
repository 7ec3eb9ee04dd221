"""Backups and restore (``manage.py backup`` / ``manage.py restore``; docs/operations.md
"Backups and restore").

A backup is a directory ``backup-<UTC time>/`` holding:

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, one consistent
  snapshot (pg_dump reads everything in one repeatable-read transaction);
- ``manifest.json``: when, which database, the dump's size and SHA-256, the signed audit
  checkpoint the backup wrote just before the dump (so the restored trail can be verified
  against a checkpoint it contains all of), and the object-storage manifest: every stored
  file (data exports) and every audit checkpoint with its size and SHA-256.

The files themselves stay in the object store (versioned and replicated by the provider,
checkpoints under object lock); the manifest says which of them the database expects, and
``restore`` checks that each is still there and unchanged.

``restore`` loads a backup into a **new** database (it refuses one that exists), checks the
object store against the manifest and the restored exports against the object store, and
runs ``audit verify`` on the new database against the backup's checkpoint. Pointing the
portal at the new database (``DATABASE_URL``) is the operator's step.

How long backups are kept is the register's ``backups`` period (portal/personal_data.py):
each new backup removes the backups in the same directory that are older.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from audit import checkpoints
from register.registry import period_of

DUMP = "database.dump"
MANIFEST = "manifest.json"
PREFIX = "backup-"
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


@dataclass
class BackupResult:
    path: Path
    checkpoint: str
    dump_bytes: int
    objects: int
    removed: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    database: str
    objects_checked: int
    objects_missing: list[str]
    objects_changed: list[str]
    exports_missing: list[str]
    newer_checkpoints: list[str]
    audit_ok: bool | None
    audit_output: str

    @property
    def ok(self) -> bool:
        return (
            not self.objects_missing
            and not self.objects_changed
            and not self.exports_missing
            and self.audit_ok is not False
        )


def _database() -> dict:
    return connection.settings_dict


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = {**os.environ}
    env.update(
        {
            "PGHOST": str(settings_dict.get("HOST") or "127.0.0.1"),
            "PGPORT": str(settings_dict.get("PORT") or "5432"),
            "PGUSER": str(settings_dict.get("USER") or "postgres"),
        }
    )
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed)") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _walk(storage, folder: str = "") -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _walk(storage, f"{folder}/{sub}" if folder else sub)
    return names


def _describe(storage, name: str) -> dict:
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as stored:
        while block := stored.read(CHUNK):
            digest.update(block)
            size += len(block)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def object_manifest() -> dict[str, list[dict]]:
    """Every stored file and every checkpoint, with size and SHA-256."""
    stores = {"files": default_storage, "checkpoints": checkpoints.storage()}
    return {key: [_describe(store, name) for name in sorted(_walk(store))] for key, store in stores.items()}


def kept_for_days() -> int:
    period = period_of("backups")
    return period.days + 31 * period.months + 366 * period.years


def make_backup(root: Path, *, now: datetime | None = None) -> BackupResult:
    """Write a checkpoint, dump the database, write the manifest; then remove the backups in
    ``root`` older than the register's period."""
    now = now or timezone.now()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if target.exists():
        raise BackupError(f"{target} exists already")
    partial = root / f".partial-{target.name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    checkpoint = checkpoints.create_checkpoint()  # every event in it is in the dump below
    database = _database()
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={partial / DUMP}",
            str(database["NAME"]),
        ],
        _pg_env(database),
    )
    objects = object_manifest()
    manifest = {
        "version": 1,
        "created_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "database": str(database["NAME"]),
        "dump": {"name": DUMP, "size": (partial / DUMP).stat().st_size, "sha256": _sha256_file(partial / DUMP)},
        "checkpoint": str(checkpoint.path),
        "checkpoint_events": checkpoint.events,
        "objects": objects,
        "kept_days": kept_for_days(),
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2))
    partial.rename(target)  # a backup directory is complete or absent
    removed = prune(root, now=now)
    return BackupResult(
        path=target,
        checkpoint=str(checkpoint.path),
        dump_bytes=manifest["dump"]["size"],
        objects=sum(len(v) for v in objects.values()),
        removed=removed,
    )


def prune(root: Path, *, now: datetime) -> list[str]:
    """Remove backups in ``root`` made more than the register's period before ``now``."""
    removed = []
    limit = kept_for_days() * 86400
    for path in sorted(root.glob(f"{PREFIX}*")):
        try:
            made = datetime.strptime(path.name[len(PREFIX) :], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        if (now - made).total_seconds() > limit:
            shutil.rmtree(path)
            removed.append(path.name)
    return removed


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source / MANIFEST} cannot be read: {error}") from error
    if manifest.get("version") != 1 or "dump" not in manifest or "objects" not in manifest:
        raise BackupError(f"{source / MANIFEST} is not a backup manifest")
    return manifest


def _create_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            raise BackupError(f"database {name} exists already: restore only into a new database")
        cursor.execute(f'CREATE DATABASE "{name}"')  # a plain name (DATABASE_NAME), quoted


def _stored_exports(database_settings: dict) -> list[str]:
    import psycopg2

    restored = psycopg2.connect(
        dbname=database_settings["NAME"],
        host=database_settings.get("HOST") or "127.0.0.1",
        port=database_settings.get("PORT") or "5432",
        user=database_settings.get("USER") or "postgres",
        password=database_settings.get("PASSWORD") or None,
    )
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT file_name FROM retention_dataexport WHERE status = 'ready' AND file_name <> ''")
            return [row[0] for row in cursor.fetchall()]
    finally:
        restored.close()


def database_url(database_settings: dict) -> str:
    """``DATABASE_URL`` for a database described like ``connection.settings_dict``."""
    from urllib.parse import quote

    user = quote(str(database_settings.get("USER") or ""), safe="")
    password = quote(str(database_settings.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database_settings.get("HOST") or "127.0.0.1"
    port = database_settings.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(str(database_settings['NAME']), safe='')}"


def restore(source: Path, *, database: str, verify_audit: bool = True) -> RestoreResult:
    """Load the backup in ``source`` into the new database ``database`` and check it."""
    if not DATABASE_NAME.match(database):
        raise BackupError(f"{database!r} is not a plain database name (letters, digits, _)")
    manifest = read_manifest(source)
    dump = source / manifest["dump"]["name"]
    if not dump.is_file() or _sha256_file(dump) != manifest["dump"]["sha256"]:
        raise BackupError(f"{dump} is missing or damaged (its SHA-256 differs from the manifest)")
    _create_database(database)
    target = {**_database(), "NAME": database}
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database}", str(dump)],
        _pg_env(target),
    )

    missing, changed, checked = [], [], 0
    stores = {"files": default_storage, "checkpoints": checkpoints.storage()}
    for key, entries in manifest["objects"].items():
        store = stores[key]
        for entry in entries:
            checked += 1
            try:
                found = _describe(store, entry["name"])
            except (OSError, FileNotFoundError):
                missing.append(f"{key}/{entry['name']}")
                continue
            if found["sha256"] != entry["sha256"]:
                changed.append(f"{key}/{entry['name']}")
    exports_missing = [name for name in _stored_exports(target) if not default_storage.exists(name)]
    backup_checkpoint = manifest["checkpoint"]
    newer = [name for name in checkpoints.checkpoint_names() if Path(name).name > Path(backup_checkpoint).name]

    audit_ok, output = None, ""
    if verify_audit:
        done = subprocess.run(  # noqa: S603 (our own manage.py, against the new database)
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "audit",
                "verify",
                "--checkpoint",
                backup_checkpoint,
            ],
            env={
                **{k: v for k, v in os.environ.items() if k != "DJANGO_TEST_DB_NAME"},
                "DATABASE_URL": database_url(target),
            },
            capture_output=True,
            text=True,
            check=False,
        )
        audit_ok, output = done.returncode == 0, (done.stdout + done.stderr).strip()
    return RestoreResult(
        database=database,
        objects_checked=checked,
        objects_missing=missing,
        objects_changed=changed,
        exports_missing=exports_missing,
        newer_checkpoints=newer,
        audit_ok=audit_ok,
        audit_output=output,
    )
