"""The .po files are the source of the texts: every text our code and templates mark has
English, the Dutch overrides of library texts are complete and still apply, and each .mo is
its .po compiled. Pure Python (no GNU gettext); the fix for a failure here is `make messages`
and a PO editor (docs/texts.md)."""

from __future__ import annotations

import io
import sysconfig
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.catalogues import (
    Message,
    catalogues,
    compiled_texts,
    extract_messages,
    message_of,
    placeholder_problem,
)

ENGLISH = Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"
DUTCH_OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides/nl/LC_MESSAGES/django.po"
RUN = "run `make messages`, translate in the .po, then `make messages` again (docs/texts.md)"


@pytest.fixture(scope="module")
def ours():
    return extract_messages()


def untranslated(entry: polib.POEntry) -> bool:
    texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    return entry.fuzzy or not all(texts)


def test_every_gettext_call_marks_a_plain_string(ours):
    # an f-string or "…" % x is formatted before it is looked up: no catalogue entry can match
    assert ours.irregular == []


def test_every_text_our_code_uses_has_english(ours):
    po = {message_of(entry): entry for entry in polib.pofile(str(ENGLISH))}
    missing = sorted(message.msgid for message in ours.messages if message not in po)
    empty_or_fuzzy = sorted(message.msgid for message in ours.messages if message in po and untranslated(po[message]))
    assert {"missing": missing, "empty or fuzzy": empty_or_fuzzy} == {"missing": [], "empty or fuzzy": []}, RUN


def test_the_english_catalogue_holds_only_texts_the_code_uses(ours):
    stale = sorted(
        message.msgid for message in map(message_of, polib.pofile(str(ENGLISH))) if message not in ours.messages
    )
    assert stale == [], RUN
    assert polib.pofile(str(ENGLISH)).obsolete_entries() == []


def test_the_dutch_overrides_have_no_empty_or_fuzzy_entry():
    po = polib.pofile(str(DUTCH_OVERRIDES))
    assert len(po) > 100
    assert [entry.msgid for entry in po if untranslated(entry) or entry.obsolete] == []


def test_every_override_replaces_a_text_a_library_marks():
    """An override whose msgid no library uses any more (after an upgrade) replaces nothing."""
    installed = {Path(sysconfig.get_paths()[kind]) for kind in ("purelib", "platlib")}
    library_roots = sorted(
        Path(config.path)
        for config in apps.get_app_configs()
        if any(Path(config.path).is_relative_to(i) for i in installed)
    )
    outermost = [root for root in library_roots if not any(root.is_relative_to(o) and root != o for o in library_roots)]
    library_texts = set()
    for root in outermost:
        library_texts |= extract_messages(root).messages
    overrides = {message_of(entry) for entry in polib.pofile(str(DUTCH_OVERRIDES))}
    assert sorted(message.msgid for message in overrides - library_texts) == []


def test_an_override_leaves_our_own_dutch_as_written(ours):
    """Our msgids are Dutch and the overrides' English, but a word can be both ("Cookies"):
    Dutch gettext then reads the override for our text too, so it must say the same."""
    shared = [entry for entry in polib.pofile(str(DUTCH_OVERRIDES)) if message_of(entry) in ours.messages]
    assert [(entry.msgid, entry.msgstr) for entry in shared if entry.msgstr != entry.msgid] == []


def test_our_dutch_wins_over_the_librarys():
    # msgids in variables: makemessages must not take these library texts for ours
    sign_out, attempts = "Are you sure you want to sign out?", "access attempts"
    with translation.override("nl"):
        assert translation.gettext(sign_out) == "Weet u zeker dat u wilt uitloggen?"
        assert translation.gettext(attempts) == "inlogpogingen"


@pytest.mark.parametrize("po", catalogues(), ids=lambda po: str(po.relative_to(settings.BASE_DIR)))
def test_each_mo_is_its_po_compiled(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), RUN
    assert compiled_texts(mo) == compiled_texts(po), RUN


@pytest.mark.parametrize("po", catalogues(), ids=lambda po: str(po.relative_to(settings.BASE_DIR)))
def test_every_translation_keeps_its_placeholders(po):
    assert [
        (entry.msgid, placeholder_problem(entry)) for entry in polib.pofile(str(po)) if placeholder_problem(entry)
    ] == []


def test_the_catalogues_are_english_for_our_texts_and_dutch_overrides_for_the_libraries():
    assert [po.relative_to(settings.BASE_DIR) for po in catalogues()] == [
        Path("locale/en/LC_MESSAGES/django.po"),
        Path("locale_overrides/nl/LC_MESSAGES/django.po"),
    ]


# --- the extractor reads what makemessages reads ----------------------------------------

PYTHON = """
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy, ngettext, npgettext, pgettext_lazy

LABEL = gettext_lazy("Naam")
JOINED = _("Een lange " "tekst") + _("en" + " nog een")
DAYS = ngettext("%(n)d dag", "%(n)d dagen", 2)
MONTH = pgettext_lazy("maand", "mei")
BOXES = npgettext("doos", "%(n)d stuk", "%(n)d stukken", 3)
QUALIFIED = translation.gettext("Via de module")
NESTED = _("Buiten %(x)s") % {"x": _("binnen")}
LOOKED_UP = _(LABEL)
NOT_A_PLURAL = ngettext("appel", LABEL, 2)
"""
TEMPLATE = """{% load i18n %}
<h1>{% translate "Welkom" %}</h1>
  <p>{% blocktranslate trimmed with name=user.name %}
    Hallo {{ name }},
    fijn dat u er bent.
  {% endblocktranslate %}</p>
{% blocktranslate count n=items %}{{ n }} ding{% plural %}{{ n }} dingen{% endblocktranslate %}
{% translate "mei" context "maand" %}{{ value|default:_("leeg") }}
"""


def test_the_extractor_finds_what_xgettext_finds(tmp_path):
    """The expected set is what makemessages (gettext 0.21) extracted from these two files."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app/module.py").write_text(PYTHON, encoding="utf-8")
    (tmp_path / "app/page.html").write_text(TEMPLATE, encoding="utf-8")
    for ignored in ("bench", "locale", ".venv", "var"):
        (tmp_path / ignored).mkdir()
        (tmp_path / ignored / "skipped.py").write_text('_("Niet van ons")', encoding="utf-8")

    found = extract_messages(tmp_path)

    assert found.irregular == []
    assert found.messages == {
        Message("Naam"),
        Message("Een lange tekst"),
        Message("en nog een"),
        Message("%(n)d dag", plural="%(n)d dagen"),
        Message("mei", context="maand"),
        Message("%(n)d stuk", context="doos", plural="%(n)d stukken"),
        Message("Via de module"),
        Message("Buiten %(x)s"),
        Message("binnen"),
        Message("Welkom"),
        Message("Hallo %(name)s, fijn dat u er bent."),
        Message("%(n)s ding", plural="%(n)s dingen"),
        Message("leeg"),
    }


@pytest.mark.parametrize("call", ['_(f"Hallo {name}")', '_("Hallo %s" % name)', '_(name or "Hallo")', '_(b"Hallo")'])
def test_the_extractor_names_a_call_that_mixes_a_string_with_code(tmp_path, call):
    (tmp_path / "module.py").write_text(f"name = 'x'\nTEXT = {call}\n", encoding="utf-8")
    found = extract_messages(tmp_path)
    assert found.messages == set()
    assert found.irregular == ["module.py:2: _(…) of a string mixed with code"]


# --- compilemessages --------------------------------------------------------------------


def write_po(path: Path, msgstr: str) -> Path:
    path.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    po.append(polib.POEntry(msgid="%(n)s sleutels verlopen", msgstr=msgstr, flags=["python-format"]))
    po.append(polib.POEntry(msgid="Nog niet vertaald", msgstr=""))
    po.append(polib.POEntry(msgid="Een gok", msgstr="A guess", flags=["fuzzy"]))
    po.save(str(path / "django.po"))
    return path / "django.po"


def test_compilemessages_compiles_every_catalogue_without_the_empty_and_fuzzy_entries(tmp_path, settings):
    po = write_po(tmp_path / "en/LC_MESSAGES", "%(n)s keys expired")
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compilemessages", stdout=io.StringIO())

    assert compiled_texts(po.with_suffix(".mo")) == {Message("%(n)s sleutels verlopen"): ("%(n)s keys expired",)}


def test_compilemessages_refuses_a_translation_that_loses_a_placeholder(tmp_path, settings):
    po = write_po(tmp_path / "en/LC_MESSAGES", "%(count)s keys expired")
    settings.LOCALE_PATHS = [tmp_path]

    with pytest.raises(CommandError, match="sleutels verlopen"):
        call_command("compilemessages")

    assert not po.with_suffix(".mo").exists()
