"""``compilemessages`` for this project, in Python: every catalogue in LOCALE_PATHS, always.

Django's own runs GNU msgfmt over every ``locale`` directory under the current one (a
virtualenv inside the checkout included) and skips a .po whose .mo is newer, which after a
checkout or a merge proves nothing. This one needs no system tool (polib, pinned in
requirements-dev.txt, gives the same bytes on every machine, so a .mo only changes when its
texts do), compiles only our catalogues, and like ``msgfmt --check-format`` refuses a
translation whose placeholders differ from its msgid's. Fuzzy and empty entries are left out
of the .mo, as msgfmt leaves them out."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.catalogues import catalogues, compile_catalogue


class Command(BaseCommand):
    help = "Compile every .po in LOCALE_PATHS to its .mo (pure Python; fails on a placeholder mismatch)."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--locale", "-l", action="append", default=[], help="Only these locales.")

    def handle(self, *args, locale: list[str], **options) -> None:
        base = Path(settings.BASE_DIR)
        chosen = [po for po in catalogues() if not locale or po.parent.parent.name in locale]
        if not chosen:
            raise CommandError("No catalogue to compile in LOCALE_PATHS.")
        failed = []
        for po in chosen:
            try:
                count = compile_catalogue(po)
            except ValueError as problem:
                failed.append(str(problem))
                continue
            mo = po.with_suffix(".mo")
            self.stdout.write(f"{mo.relative_to(base) if mo.is_relative_to(base) else mo}: {count} texts")
        if failed:
            raise CommandError("Placeholders differ from the msgid's:\n" + "\n".join(failed))
