"""locale/nl holds exactly scripts/translations_nl_overrides.py, compiled (run `make messages`
after changing that file), and wins over the libraries' own Dutch."""

from __future__ import annotations

import sys
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
sys.path.insert(0, str(ROOT / "scripts"))
from translations_nl_overrides import NL  # noqa: E402


def test_the_compiled_dutch_catalogue_is_the_overrides_file():
    po = polib.pofile(str(ROOT / "locale/nl/LC_MESSAGES/django.po"))
    compiled = {
        e.msgid: (e.msgstr_plural[0], e.msgstr_plural[1]) if e.msgid_plural else e.msgstr for e in po if not e.obsolete
    }
    assert compiled == NL
    assert len(polib.mofile(str(ROOT / "locale/nl/LC_MESSAGES/django.mo"))) == len(NL)


def test_our_dutch_wins_over_the_librarys():
    # msgids in variables: makemessages must not take these library texts for ours
    sign_out, attempts = "Are you sure you want to sign out?", "access attempts"
    with translation.override("nl"):
        assert translation.gettext(sign_out) == "Weet u zeker dat u wilt uitloggen?"
        assert translation.gettext(attempts) == "inlogpogingen"
