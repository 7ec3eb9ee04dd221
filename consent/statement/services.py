"""Use cases of the privacy statement: publish a version, announce it to every active
customer (Celery, in batches, idempotent), record that a customer opened it. Reads are in
:mod:`consent.statement.selectors`; the tasks (:mod:`consent.statement.tasks`) only call
these functions and are queued by name (:func:`core.on_commit.after_commit`)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit.events import Action
from audit.services import record
from consent.models import StatementAnnouncement, StatementReading, StatementVersion
from consent.statement.selectors import (
    LANGUAGES,
    StatementError,
    data_sections,
    forget_state,
    latest_version,
    now,
    published_versions,
    today,
)
from core.formatting import greeting_name
from core.mail import render_and_send
from core.on_commit import after_commit

ANNOUNCE_BATCH_SIZE = 200
# The tasks' registered names (stored in queued messages: never renamed).
ANNOUNCE_VERSION = "consent.announce_version"
ANNOUNCE_BATCH = "consent.announce_batch"


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
        # Now (this process reads its own write) and again after commit (another request
        # may have cached the old state in between).
        forget_state()
        transaction.on_commit(forget_state)
        after_commit(ANNOUNCE_VERSION, locked.pk)
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
        after_commit(ANNOUNCE_BATCH, version_id, ids[start : start + ANNOUNCE_BATCH_SIZE])
    return len(ids)


def customer_language(user) -> str:
    """The language to write to ``user`` in: that of their latest subscription (as billing
    mails do), else Dutch."""
    from subscriptions.models import Subscription

    language = Subscription.objects.filter(user=user).order_by("-created_at").values_list("language", flat=True).first()
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


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
                        "name": greeting_name(user),
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
