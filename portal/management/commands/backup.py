"""manage.py backup --directory DIR: a consistent backup (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import backups


class Command(BaseCommand):
    help = (
        "Write a signed audit checkpoint, dump the database (pg_dump, one snapshot) and the object-storage "
        "manifest into DIR/backup-<UTC time>/, then remove the backups in DIR older than the register's "
        "'backups' period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", required=True, type=Path, help="where backups are kept")

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            result = backups.make_backup(directory)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backup {result.path}: database {result.dump_bytes:,} bytes, {result.objects} stored objects in the "
            f"manifest, checkpoint {result.checkpoint}"
        )
        for name in result.removed:
            self.stdout.write(f"removed {name} (older than {backups.kept_for_days()} days)")
