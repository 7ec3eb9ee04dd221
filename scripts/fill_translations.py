"""Write the English translations into locale/en/LC_MESSAGES/django.po and compile the .mo
(pure Python, no GNU gettext needed). scripts/translations_en.py is the only source of the
English: a text that is not in it is reported as missing, even when makemessages guessed one
(a "fuzzy" guess from a similar text is often wrong). Exits 1 when any are missing."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from translations_en import EN  # noqa: E402

po_path = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
po = polib.pofile(str(po_path))
po.metadata["Language"] = "en"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
missing = []
for entry in po:
    if entry.obsolete:
        continue
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = None
    if entry.msgid not in EN:
        missing.append(entry.msgid)
        entry.msgstr, entry.msgstr_plural = "", {0: "", 1: ""} if entry.msgid_plural else {}
    elif entry.msgid_plural:
        singular, plural = EN[entry.msgid]
        entry.msgstr_plural = {0: singular, 1: plural}
    else:
        entry.msgstr = EN[entry.msgid]
po.save(str(po_path))
po.save_as_mofile(str(po_path.with_suffix(".mo")))
if missing:
    print(f"{len(missing)} strings without English:")
    for msgid in missing:
        print(f"  {msgid!r}")
    sys.exit(1)
print(f"{len(po)} strings translated; compiled {po_path.with_suffix('.mo').relative_to(ROOT)}")
