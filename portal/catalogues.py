"""The project's translation catalogues, read and compiled in Python (polib, a development
dependency), so that neither the compile step nor the tests need GNU gettext.

- ``compile_catalogue``: a .po to its .mo, the way msgfmt does it (fuzzy and empty entries left
  out), refusing a translation whose placeholders differ from its msgid's (msgfmt's
  ``--check-format``).
- ``extract_messages``: every text our code and templates mark for translation, found the way
  ``makemessages`` finds them (the same files, Django's own ``templatize`` for templates, the
  same gettext keywords), so a test can tell which texts lack English without running xgettext.

Used by ``manage.py compilemessages`` and portal/tests/test_catalogues.py; see docs/texts.md."""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.utils import is_ignored_path
from django.utils.translation.template import templatize

# Never our texts: the benchmarks, local data and generated files (git ignores them), the
# overrides. makemessages skips these too, after Django's own defaults.
PROJECT_IGNORED = ["bench", "staticfiles", "media", "var", "test-results", "locale_overrides"]
IGNORED = ["CVS", ".*", "*~", "*.pyc", *PROJECT_IGNORED]
EXTENSIONS = {".py", ".html", ".txt"}

# gettext keyword: (context argument, msgid argument, plural argument), 1-based, as xgettext's
# Python defaults plus the --keyword options makemessages passes.
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 1, None),
    "gettext": (None, 1, None),
    "ugettext": (None, 1, None),
    "gettext_lazy": (None, 1, None),
    "gettext_noop": (None, 1, None),
    "dgettext": (None, 2, None),
    "dcgettext": (None, 2, None),
    "ngettext": (None, 1, 2),
    "ungettext": (None, 1, 2),
    "ngettext_lazy": (None, 1, 2),
    "dngettext": (None, 2, 3),
    "dcngettext": (None, 2, 3),
    "pgettext": (1, 2, None),
    "pgettext_lazy": (1, 2, None),
    "npgettext": (1, 2, 3),
    "npgettext_lazy": (1, 2, 3),
}
PYTHON_FORMAT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<kind>[a-zA-Z%])")


@dataclass(frozen=True)
class Message:
    """A text as the catalogue keys it: context, msgid and, for a plural, its plural msgid."""

    msgid: str
    context: str | None = None
    plural: str | None = None


def message_of(entry: polib.POEntry) -> Message:
    return Message(entry.msgid, entry.msgctxt, entry.msgid_plural or None)


# --- extraction -------------------------------------------------------------------------


@dataclass
class Extraction:
    """What ``extract_messages`` found: the texts, and the gettext calls whose argument mixes a
    string literal with code (an f-string, ``"…" % x``, ``a or "…"``). xgettext takes a guess at
    those (the literal part, as written); at run time the call looks up a different text, so
    there is no right entry for them and the catalogue test names them instead."""

    messages: set[Message]
    irregular: list[str]


def extract_messages(root: Path | None = None) -> Extraction:
    """Every text under ``root`` (the project) that ``makemessages`` would put in the catalogue."""
    root = root or Path(settings.BASE_DIR)
    result = Extraction(set(), [])
    for path in _translatable_files(root):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root))
        if path.suffix != ".py":
            # every string templatize writes is a one-line repr, so indentation can go
            source = "\n".join(line.lstrip() for line in templatize(source, origin=name).splitlines())
        _extract_python(source, name, result)
    return result


def _translatable_files(root: Path) -> Iterator[Path]:
    skipped_roots = {os.path.normpath(p) for p in (settings.MEDIA_ROOT, settings.STATIC_ROOT) if p}
    for dirpath, dirnames, filenames in os.walk(root):
        relative = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name != "locale"
            and not is_ignored_path(os.path.normpath(relative / name), IGNORED)
            and os.path.join(dirpath, name) not in skipped_roots
        )
        for name in sorted(filenames):
            if Path(name).suffix in EXTENSIONS and not is_ignored_path(os.path.normpath(relative / name), IGNORED):
                yield Path(dirpath) / name


SKIPPED_TOKENS = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
# Python 3.12 splits an f-string into tokens of its own
FSTRING_START = getattr(tokenize, "FSTRING_START", None)


def _extract_python(source: str, name: str, result: Extraction) -> None:
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in SKIPPED_TOKENS]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS or tokens[index + 1].string != "(":
            continue
        arguments = _arguments(tokens, index + 2)
        values = []
        for position in KEYWORDS[token.string]:
            value = _literal(arguments[position - 1]) if position and position <= len(arguments) else None
            if value is IRREGULAR:
                result.irregular.append(f"{name}:{token.start[0]}: {token.string}(…) of a string mixed with code")
                break
            values.append(value)
        else:
            context, msgid, plural = values
            context_ok = KEYWORDS[token.string][0] is None or context is not None
            plural_ok = KEYWORDS[token.string][2] is None or plural is not None
            if msgid and context_ok and plural_ok:
                result.messages.add(Message(msgid, context, plural))


def _arguments(tokens: list[tokenize.TokenInfo], start: int) -> list[list[tokenize.TokenInfo | None]]:
    """A call's arguments, each as its top-level tokens (None standing for a nested one)."""
    arguments: list[list[tokenize.TokenInfo | None]] = [[]]
    depth = 1
    for token in tokens[start:]:
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            depth += 1
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and token.type == tokenize.OP and token.string == ",":
            arguments.append([])
            continue
        arguments[-1].append(token if depth == 1 and token.string not in (")", "]", "}") else None)
    return arguments


IRREGULAR = object()


def _literal(argument: list[tokenize.TokenInfo | None]) -> str | None | object:
    """The text of an argument made of plain string literals (joined, also across ``+``, as
    xgettext joins them); None for one without a literal; IRREGULAR for a mix."""
    strings = [t for t in argument if t is not None and (t.type == tokenize.STRING or t.type == FSTRING_START)]
    if not strings:
        return None
    plain = all(
        t is not None
        and (
            (t.type == tokenize.STRING and not re.match(r"[a-zA-Z]*[fFbB]", t.string))
            or (t.type == tokenize.OP and t.string == "+")
        )
        for t in argument
    )
    if not plain or argument[0].string == "+" or argument[-1].string == "+":
        return IRREGULAR
    return "".join(ast.literal_eval(t.string) for t in argument if t.type == tokenize.STRING)


# --- checks and compiling ----------------------------------------------------------------


def placeholders(text: str) -> tuple[set[str], int]:
    """The named placeholders of a Python %-format and the number of positional ones."""
    names, positional = set(), 0
    for match in PYTHON_FORMAT.finditer(text):
        if match["kind"] == "%":
            continue
        if match["name"] is None:
            positional += 1
        else:
            names.add(match["name"])
    return names, positional


def placeholder_problem(entry: polib.POEntry) -> str | None:
    """Why a translation would break or lose its %-placeholders, or None. A plural's forms may
    leave out a placeholder (\"one key\" for \"%(n)s key\") but never add one."""
    if not _is_python_format(entry):
        return None
    if entry.msgid_plural:
        allowed = placeholders(entry.msgid)[0] | placeholders(entry.msgid_plural)[0]
        for text in entry.msgstr_plural.values():
            extra = placeholders(text)[0] - allowed
            if extra:
                return f"{sorted(extra)} not in the msgid"
        return None
    expected, found = placeholders(entry.msgid), placeholders(entry.msgstr)
    if entry.msgstr and expected != found:
        return (
            f"placeholders {sorted(found[0])} ({found[1]} positional), expected {sorted(expected[0])} ({expected[1]})"
        )
    return None


def _is_python_format(entry: polib.POEntry) -> bool:
    """xgettext flags our texts; the hand-kept overrides carry no flags, so a %(name)s, %s or
    %d in their msgid decides."""
    if any(flag.endswith("-format") for flag in entry.flags):
        return "python-format" in entry.flags
    return bool(re.search(r"%(?:\(\w+\))?[sd]", entry.msgid + (entry.msgid_plural or "")))


def compile_catalogue(po_path: Path) -> int:
    """Write the .mo beside ``po_path``; returns the number of texts it holds. Raises
    ValueError naming the texts whose placeholders do not match."""
    po = polib.pofile(str(po_path))
    problems = [f"{entry.msgid!r}: {problem}" for entry in po if (problem := placeholder_problem(entry))]
    if problems:
        raise ValueError(f"{po_path}:\n  " + "\n  ".join(problems))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    return len(po.translated_entries())


def compiled_texts(path: Path) -> dict[Message, tuple[str, ...]]:
    """What a .po (its translated, non-fuzzy entries) or a .mo holds, comparable."""
    catalogue = polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))
    entries = catalogue if path.suffix == ".mo" else catalogue.translated_entries()
    return {
        message_of(entry): tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
        if entry.msgid_plural
        else (entry.msgstr,)
        for entry in entries
        if entry.msgid
    }


def catalogues() -> list[Path]:
    """Every .po this project compiles: one per language and locale directory."""
    return sorted(po for directory in settings.LOCALE_PATHS for po in Path(directory).glob("*/LC_MESSAGES/*.po"))
