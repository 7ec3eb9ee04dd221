"""The privacy statement, read side: which version is in force, which one is announced, its
data sections and text blocks, and the portal notice. The use cases (publish, announce,
record an opening) are in :mod:`consent.statement.services`.

Versions: staff write a draft in the admin and publish it with an effective date (today or
later). The version *in force* is the published version with the latest effective date on or
before today (Amsterdam); when two share that date, the higher number wins. A published
version with a later effective date is *announced*: customers get the mail and the portal
notice at once, the version is readable at its own URL, and it replaces the old one at the
start of its effective date.

The data sections (what we process, why, on which basis, how long, who receives it, which
partners are outside the EU) are rendered from the retention register and the processors.
The version in force and previews always show the register as it is in the running code;
publishing stores that rendering in the version, so an older version keeps showing what it
said (the seed version, created by a migration, has no such snapshot and shows the register).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.formats import date_format

from consent.models import Processor, StatementReading, StatementVersion

LANGUAGES = ("nl", "en")
# Largest value a PostgreSQL integer column holds: any larger id in a URL is simply unknown.
MAX_NUMBER = 2**31 - 1
# The session remembers which announced version the customer opened (no query after that).
SESSION_KEY = "consent_statement_opened"


class StatementError(Exception):
    """A use case refused: the message is for the staff member."""


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


# --- reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """What pages need on every request, cached: cheap to hold, no text."""

    pk: int
    number: int
    effective_date: date
    published_at: datetime
    cookie_revision: str
    replaces_another: bool  # False for the first version: nothing changed, nothing to announce


def normalise_text(text: str) -> str:
    """A section's text as compared: line endings made "\n" (the admin's text area saves
    "\r\n", the seed "\n"); a change in line endings alone is no change of the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cookie_revision(version: StatementVersion) -> str:
    text = "\x00".join(
        normalise_text(getattr(version, f"{stem}_{lang}")) for stem in version.COOKIE_SECTIONS for lang in LANGUAGES
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _info(version: StatementVersion | None) -> VersionInfo | None:
    if version is None:
        return None
    return VersionInfo(
        pk=version.pk,
        number=version.number,
        effective_date=version.effective_date,
        published_at=version.published_at,
        cookie_revision=_cookie_revision(version),
        replaces_another=published_versions().filter(number__lt=version.number).exists(),
    )


def published_versions():
    return StatementVersion.objects.filter(status=StatementVersion.Status.PUBLISHED)


def current_version(on: date | None = None) -> StatementVersion | None:
    """The version in force on ``on`` (today)."""
    return published_versions().filter(effective_date__lte=on or today()).order_by("-effective_date", "-number").first()


def latest_version() -> StatementVersion | None:
    """The newest published version: in force, or announced with a later effective date."""
    return published_versions().order_by("-effective_date", "-number").first()


def _state_key(day: date) -> str:
    return f"consent:statement:state:v1:{day.isoformat()}"


def _state() -> dict[str, VersionInfo | None]:
    """The version in force and the newest one, cached per day (the day is in the key, so a
    version whose effective date arrives takes over at midnight; publishing clears it). Kept
    in each process's memory (``CACHES["versioned"]``): no Redis read of its own per page, and
    every process drops its copy on its next request after ``forget_state``."""
    cache = caches["versioned"]
    key = _state_key(today())
    state = cache.get(key)
    if state is None:
        state = {"current": _info(current_version()), "latest": _info(latest_version())}
        cache.set(key, state, timeout=3600)
    return state


def forget_state() -> None:
    caches["versioned"].delete(_state_key(today()))


def current_info() -> VersionInfo | None:
    return _state()["current"]


def latest_info() -> VersionInfo | None:
    return _state()["latest"]


def version_label(number: int, effective_date: date) -> str:
    with translation.override("nl"):
        return f"{number} ({date_format(effective_date, 'j F Y')})"


def current_version_label() -> str:
    """The version in force as recorded with a consent, e.g. "1 (1 januari 2018)"."""
    info = current_info()
    return version_label(info.number, info.effective_date) if info else ""


def cookie_revision() -> str:
    """Changes only when the cookie and Google Analytics sections of the version in force
    change (the cookie banner asks again then)."""
    info = current_info()
    return info.cookie_revision if info else ""


def find_version(number: Any, *, include_drafts: bool = False) -> StatementVersion | None:
    """The version with ``number`` (None for anything else, hostile input included)."""
    text = str(number)
    # Plain ASCII digits, no leading zero: int() would also take " 1", "+1", "01", other digits.
    if not (text.isascii() and text.isdigit() and not text.startswith("0") and len(text) <= len(str(MAX_NUMBER))):
        return None
    number = int(text)
    if not 0 < number <= MAX_NUMBER:
        return None
    versions = StatementVersion.objects.all() if include_drafts else published_versions()
    return versions.filter(number=number).first()


# --- the data sections -------------------------------------------------------------------


def data_sections(language: str) -> dict[str, Any]:
    """The register and the processors as plain values in ``language``: what the statement
    shows and what publishing stores."""
    from register import registry

    processors = list(Processor.objects.all())
    names = {p.key: p.name for p in processors}
    with translation.override(language):
        categories = [
            {
                "name": c.name,
                "title": str(c.verbose_name),
                "data": str(c.data),
                "purpose": str(c.purpose),
                "legal_basis": str(c.legal_basis.label),
                "retention": c.retention_text(),
                "end_action": str(c.end_action.label),
                "recipients": [names.get(key, key) for key in c.recipients],
            }
            for c in registry.categories()
        ]
        return {
            "categories": categories,
            "processors": [
                {
                    "name": p.name,
                    "purpose": p.purpose(language),
                    "country": str(p.country.name),
                    "outside_eu": p.outside_eu,
                    "transfer_basis": p.transfer_basis(language),
                    "agreement_date": p.agreement_date.isoformat() if p.agreement_date else "",
                }
                for p in processors
            ],
        }


def data_sections_for(version: StatementVersion, language: str) -> dict[str, Any]:
    """What ``version`` says about data: the live register for the version in force, drafts
    and the seed version; the stored rendering for an older published version."""
    current = current_info()
    live = not version.is_published or (current is not None and current.pk == version.pk)
    if live or language not in version.data_snapshot:
        sections = data_sections(language)
    else:
        sections = copy.deepcopy(version.data_snapshot[language])  # the page adds to it
    for processor in sections["processors"]:  # stored as ISO text; the page shows a date
        day = processor.get("agreement_date")
        processor["agreement_day"] = date.fromisoformat(day) if day else None
    return sections


def notice_for(user, *, session=None) -> VersionInfo | None:
    """The announced version ``user`` still has to open, or None. At most one indexed query,
    none once the session knows the answer."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    latest = latest_info()
    if latest is None or not latest.replaces_another or user.date_joined >= latest.published_at:
        return None  # the first version, or signed up under this version
    if session is not None and session.get(SESSION_KEY) == latest.pk:
        return None
    if StatementReading.objects.filter(user=user, version_id=latest.pk).exists():
        if session is not None:
            session[SESSION_KEY] = latest.pk
        return None
    return latest


def register_changed_since_publication() -> int | None:
    """The number of the version in force when what it says about data (as stored when it
    was published) differs from what the register and the processors say now; else None."""
    version = current_version()
    if version is None or not version.data_snapshot:
        return None
    if all(version.data_snapshot.get(language) == data_sections(language) for language in LANGUAGES):
        return None
    return version.number


# --- presentation ------------------------------------------------------------------------


def blocks(text: str) -> list[dict[str, Any]]:
    """Staff text as blocks: paragraphs separated by a blank line; a paragraph whose lines
    all start with "- " is a list. Plain text only (the template escapes it)."""
    result: list[dict[str, Any]] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append({"list": [line[2:].strip() for line in lines]})
        else:
            result.append({"text": " ".join(lines)})
    return result


def sections(version: StatementVersion, language: str) -> dict[str, dict[str, Any]]:
    """The staff-edited sections of ``version`` in ``language``: stem → heading and blocks."""
    return {
        stem: {"heading": heading, "blocks": blocks(version.text(stem, language))} for stem, heading in version.SECTIONS
    }
