"""Write the English translations into locale/en/LC_MESSAGES/django.po and compile the .mo
(pure Python, no GNU gettext needed). Prints the source strings that still lack English;
exits 1 when there are any."""

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
    if entry.msgid_plural:
        if entry.msgid in EN:
            singular, plural = EN[entry.msgid]
            entry.msgstr_plural = {0: singular, 1: plural}
        elif not all(entry.msgstr_plural.values()):
            missing.append(entry.msgid)
        continue
    if entry.msgid in EN:
        entry.msgstr = EN[entry.msgid]
    elif not entry.msgstr:
        missing.append(entry.msgid)
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
po.save(str(po_path))
po.save_as_mofile(str(po_path.with_suffix(".mo")))
if missing:
    print(f"{len(missing)} strings without English:")
    for msgid in missing:
        print(f"  {msgid!r}")
    sys.exit(1)
print(f"{len(po)} strings translated; compiled {po_path.with_suffix('.mo').relative_to(ROOT)}")
