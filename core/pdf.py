"""What every PDF the portal draws with reportlab shares (invoices, credit notes, the
Article 30 record): Bitstream Vera, shipped inside reportlab (no system fonts), embedded as
a subset so the PDF looks the same everywhere and its text can be extracted (ToUnicode map);
and text made safe for reportlab's paragraph markup."""

from __future__ import annotations

import os
import unicodedata
from xml.sax.saxutils import escape

FONT, FONT_BOLD = "PortalVera", "PortalVeraBold"
_glyphs: set[int] = set()


def register_fonts() -> None:
    """Register the two fonts with reportlab (once per process)."""
    if _glyphs:
        return
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    regular = TTFont(FONT, os.path.join(folder, "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(folder, "VeraBd.ttf")))
    _glyphs.update(regular.face.charToGlyph)


def drawable(text: object) -> str:
    """Text the font can draw: a letter it lacks (e.g. ő) becomes its base letter (o),
    anything else a question mark; control characters are dropped. Call
    :func:`register_fonts` first."""
    out = []
    for char in str(text or ""):
        if ord(char) in _glyphs:
            out.append(char)
        elif unicodedata.category(char).startswith("C"):
            continue
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if ord(c) in _glyphs and not unicodedata.combining(c)
            )
            out.append(base or "?")
    return "".join(out)


def printable(text: object) -> str:
    """:func:`drawable`, escaped for reportlab's paragraph markup."""
    return escape(drawable(text))
