"""Fails when a committed .mo file is older than its .po file (translations not compiled)."""

from __future__ import annotations

import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
stale = [
    str(po.relative_to(root))
    for po in (root / "locale").rglob("*.po")
    if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime + 1 < po.stat().st_mtime
]
if stale:
    print("Compiled translations missing or older than their source (run make messages):", *stale, sep="\n  ")
    sys.exit(1)
