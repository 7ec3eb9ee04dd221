"""manage.py restore --from DIR --database NAME: a backup into a new database."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import backups


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into a NEW PostgreSQL database, check the object store "
        "against the backup's manifest and the restored exports against the object store, and run `audit "
        "verify` on the new database against the checkpoint the backup wrote. Exit 1 when a check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="a backup-<time> directory")
        parser.add_argument("--database", required=True, help="name of the new database (must not exist)")
        parser.add_argument("--no-verify", action="store_true", help="skip `audit verify` on the new database")

    def handle(self, *args, source: Path, database: str, no_verify: bool, **options) -> None:
        try:
            result = backups.restore(source, database=database, verify_audit=not no_verify)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored into database {result.database}")
        self.stdout.write(
            f"object store: {result.objects_checked} objects of the manifest checked, "
            f"{len(result.objects_missing)} missing, {len(result.objects_changed)} changed"
        )
        for name in result.objects_missing + result.objects_changed:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"exports in the restored database whose file is gone: {len(result.exports_missing)}")
        if result.newer_checkpoints:
            self.stdout.write(
                f"{len(result.newer_checkpoints)} checkpoints are newer than this backup: audit events written "
                "after it are not in the restored database (`audit verify` without --checkpoint names the chains)"
            )
        if result.audit_ok is not None:
            self.stdout.write(result.audit_output)
        if not result.ok:
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("restore checked: point DATABASE_URL at the new database to use it"))
