"""Django's ``makemessages`` made safe for a catalogue that people edit and branches merge.

- No fuzzy matching: msgmerge would otherwise fill a new Dutch text with the English of a
  similar one and mark it fuzzy, a guess that is easy to miss and often wrong. A new text
  arrives empty, and the catalogue test names it until someone translates it.
- Stable under code moves and parallel work: no source locations, one line per text, entries
  sorted by msgid, no obsolete entries and no creation date in the header. Moving a module
  changes nothing; two branches that add different texts touch different places in the file.
- The source language is never written: our texts are Dutch in the code, so there is no Dutch
  catalogue of our own. The Dutch that replaces libraries' texts lives in
  ``locale_overrides/`` (edited by hand; see docs/texts.md), which this command never touches.

``make messages`` runs it with ``-l en`` and then ``compilemessages``."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

from portal.catalogues import PROJECT_IGNORED

STABLE_OUTPUT = ["--no-location", "--no-wrap", "--sort-output"]
# msgmerge copies the .pot's creation time into the header on every run: the one line every
# branch would change. The date says nothing git does not.
CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)


class Command(makemessages.Command):
    help = (
        f"{makemessages.Command.help}\n\nThis project's version: no fuzzy matching, no source "
        "locations, sorted, no obsolete entries; the source language (nl) is never written."
    )

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching", *STABLE_OUTPUT]
    msguniq_options = [*makemessages.Command.msguniq_options, *STABLE_OUTPUT]
    msgattrib_options = [*makemessages.Command.msgattrib_options, *STABLE_OUTPUT]
    xgettext_options = [*makemessages.Command.xgettext_options, *STABLE_OUTPUT]

    def handle(self, *args, **options):
        options["no_obsolete"] = True
        options["ignore_patterns"] = [*options["ignore_patterns"], *PROJECT_IGNORED]
        return super().handle(*args, **options)

    def build_potfiles(self) -> list[str]:
        # Django lists ./locale up to three times (found in the tree, in LOCALE_PATHS, as the
        # current directory's) and would merge the same .pot into the same .po each time
        return list(dict.fromkeys(super().build_potfiles()))

    def write_po_file(self, potfile: str, locale: str) -> None:
        if locale == settings.LANGUAGE_CODE:
            self.stdout.write(f"skipping locale {locale}: the source language needs no catalogue of its own")
            return
        super().write_po_file(potfile, locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        text = pofile.read_text(encoding="utf-8")
        pofile.write_text(CREATION_DATE.sub("", text), encoding="utf-8")
