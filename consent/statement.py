"""The privacy statement: which version is in force, its data sections, and the use cases
around it (publish, announce, record that a customer opened it).

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

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit.events import Action
from audit.services import record
from consent.models import Processor, StatementAnnouncement, StatementReading, StatementVersion
from portal.mail import render_and_send

ANNOUNCE_BATCH_SIZE = 200
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


def _cookie_revision(version: StatementVersion) -> str:
    text = "\x00".join(getattr(version, f"{stem}_{lang}") for stem in version.COOKIE_SECTIONS for lang in LANGUAGES)
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
    return f"consent:statement:state:{day.isoformat()}"


def _state() -> dict[str, VersionInfo | None]:
    """The version in force and the newest one, cached per day (the day is in the key, so a
    version whose effective date arrives takes over at midnight; publishing clears it)."""
    key = _state_key(today())
    state = cache.get(key)
    if state is None:
        state = {"current": _info(current_version()), "latest": _info(latest_version())}
        cache.set(key, state, timeout=3600)
    return state


def _forget_state() -> None:
    cache.delete(_state_key(today()))


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
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    if not 0 < number <= MAX_NUMBER:
        return None
    versions = StatementVersion.objects.all() if include_drafts else published_versions()
    return versions.filter(number=number).first()


# --- the data sections -------------------------------------------------------------------


def data_sections(language: str) -> dict[str, Any]:
    """The register and the processors as plain values in ``language``: what the statement
    shows and what publishing stores."""
    from retention import registry

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
        return data_sections(language)
    return version.data_snapshot[language]


# --- writes ------------------------------------------------------------------------------


def next_number() -> int:
    last = StatementVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def publish_version(*, version: StatementVersion, by, effective_date: date | None = None) -> StatementVersion:
    """Publish the draft ``version`` with ``effective_date`` (default: its own date). From
    here on it never changes; every active customer is mailed (after commit, in batches)."""
    with transaction.atomic():
        locked = StatementVersion.objects.select_for_update().filter(pk=version.pk).first()
        if locked is None or locked.is_published:
            raise StatementError(_("Deze versie is al gepubliceerd en kan niet meer veranderen."))
        effective = effective_date or locked.effective_date
        if effective < today():
            raise StatementError(_("De ingangsdatum kan niet in het verleden liggen."))
        latest = latest_version()
        if latest is not None and effective < latest.effective_date:
            raise StatementError(
                _("De ingangsdatum moet op of na die van versie %(number)s liggen (%(date)s).")
                % {"number": latest.number, "date": date_format(latest.effective_date, "j F Y")}
            )
        locked.status = StatementVersion.Status.PUBLISHED
        locked.effective_date = effective
        locked.published_at = now()
        locked.data_snapshot = {language: data_sections(language) for language in LANGUAGES}
        locked.save(update_fields=["status", "effective_date", "published_at", "data_snapshot"])
        record(
            Action.STATEMENT_PUBLISHED,
            actor=by,
            target=locked,
            changes={"number": locked.number, "effective_date": effective.isoformat()},
        )
        transaction.on_commit(_forget_state)
        transaction.on_commit(lambda: announce_version_task.delay(locked.pk))
    return locked


def customers_to_announce(version: StatementVersion):
    """Active customers (not staff, not closed) who have not had the mail for ``version``."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=False, closed_at__isnull=True)
        .exclude(email="")
        .exclude(pk__in=StatementAnnouncement.objects.filter(version=version).values("user_id"))
        .order_by("pk")
    )


def announce_version(*, version_id: int) -> int:
    """Queue the announcement mail of ``version_id`` in batches; returns the number of
    customers queued. Safe to run again: a batch skips whoever already had the mail."""
    version = published_versions().filter(pk=version_id).first()
    if version is None:
        return 0
    ids = list(customers_to_announce(version).values_list("pk", flat=True))
    for start in range(0, len(ids), ANNOUNCE_BATCH_SIZE):
        announce_batch_task.delay(version_id, ids[start : start + ANNOUNCE_BATCH_SIZE])
    return len(ids)


def customer_language(user) -> str:
    """The language to write to ``user`` in: that of their latest subscription (as billing
    mails do), else Dutch."""
    from subscriptions.models import Subscription

    language = Subscription.objects.filter(user=user).order_by("-created_at").values_list("language", flat=True).first()
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def _display_name(user) -> str:
    try:
        full_name = user.profile.full_name
    except ObjectDoesNotExist:
        full_name = ""
    return full_name or user.get_full_name() or user.get_username()


def announce_to(*, version_id: int, user_ids: list[int]) -> int:
    """Mail the announcement of ``version_id`` to each of ``user_ids`` that has not had it;
    returns how many were sent. Each mail is recorded (row + audit event) in the transaction
    that sends it, so a failure sends again on retry and a success never twice."""
    version = published_versions().filter(pk=version_id).first()
    if version is None:
        return 0
    sent = 0
    for user in customers_to_announce(version).filter(pk__in=user_ids):
        try:
            with transaction.atomic():
                StatementAnnouncement.objects.create(version=version, user=user, sent_at=now())
                record(
                    Action.STATEMENT_ANNOUNCED,
                    system="statement announcement",
                    subject=user,
                    target=version,
                    changes={"number": version.number, "effective_date": version.effective_date.isoformat()},
                )
                language = customer_language(user)
                render_and_send(
                    "consent/email/statement_changed",
                    to=[user.email],
                    language=language,
                    context={
                        "name": _display_name(user),
                        "number": version.number,
                        "effective_date": version.effective_date,
                        "in_force": version.effective_date <= today(),
                        "summary": version.text("summary", language),
                        "path": f"/privacy/{version.number}/",
                    },
                )
        except IntegrityError:
            continue  # another batch got there first
        sent += 1
    return sent


def record_opening(*, version: StatementVersion, user) -> bool:
    """Record that ``user`` opened the published ``version`` (once); True when new."""
    if not version.is_published or not getattr(user, "is_authenticated", False):
        return False
    if StatementReading.objects.filter(user=user, version=version).exists():
        return False
    try:
        with transaction.atomic():
            StatementReading.objects.create(user=user, version=version, opened_at=now())
            record(Action.STATEMENT_READ, actor=user, subject=user, target=version, changes={"number": version.number})
    except IntegrityError:
        return False  # opened in two tabs at once
    return True


def notice_for(user, *, session=None) -> VersionInfo | None:
    """The announced version ``user`` still has to open, or None. At most one indexed query,
    none once the session knows the answer."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    latest = latest_info()
    if latest is None or user.date_joined >= latest.published_at:
        return None  # signed up under this version (the seed version counts as such)
    if session is not None and session.get(SESSION_KEY) == latest.pk:
        return None
    if StatementReading.objects.filter(user=user, version_id=latest.pk).exists():
        if session is not None:
            session[SESSION_KEY] = latest.pk
        return None
    return latest


# --- tasks -------------------------------------------------------------------------------


@shared_task(name="consent.announce_version", acks_late=True)
def announce_version_task(version_id: int) -> int:
    return announce_version(version_id=version_id)


@shared_task(name="consent.announce_batch", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def announce_batch_task(version_id: int, user_ids: list[int]) -> int:
    return announce_to(version_id=version_id, user_ids=user_ids)


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
