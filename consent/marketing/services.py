"""Marketing mail: the customer's choice, unsubscribing, and mailings sent in batches.

Each write is atomic and records its audit event in the same transaction; mail leaves only
from the batch task. How a mailing is sent without sending anyone a mail twice:

1. :func:`mailing_send` (staff in the admin, ops with ``manage.py marketing send``) marks
   the mailing ``sending`` and writes one :class:`MailingRecipient` row per customer who may
   receive it (unique per mailing and customer), then queues the first batch.
2. :func:`mailing_send_batch` sends up to ``MARKETING_BATCH_SIZE`` rows on one connection,
   claiming each row (and committing the claim) right before its mail leaves; the row is
   marked ``sent`` right after the relay took it. A send that raises puts that row back to
   ``pending`` and the task is retried: a re-run sends exactly the rows still waiting. A
   worker killed between handing a mail over and marking it leaves that one row ``sending``:
   it is never sent again (it counts as ``unknown`` after :func:`_stale_claim`), so nobody gets
   it twice, and a crash costs at most that one mail; the rows after it are still waiting and
   the redelivered task (broker visibility timeout) sends them.
3. The next batch is queued ``MARKETING_BATCH_PAUSE`` seconds later (one SMTP connection
   per batch, a steady rate for the relay); when no row waits the mailing is ``sent`` with
   its final counts.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.events import Action
from audit.services import record
from consent.marketing import tokens
from consent.marketing.selectors import (  # noqa: F401  (reads this module uses; re-exported for its callers)
    Progress,
    eligible_customers,
    mailing_progress,
    preference_for,
    receives_marketing,
    users_with_address,
)
from consent.models import Mailing, MailingRecipient, MarketingPreference
from core.mail import build_message
from core.on_commit import after_commit

logger = logging.getLogger(__name__)

User = get_user_model()

SUBJECT_MAX = 200
BODY_MAX = 20000
MAX_ATTEMPTS = 5  # a row that failed this often is given up (``failed``)
# The batch task's registered name (consent.marketing.tasks), queued by name.
SEND_MAILING_BATCH = "consent.marketing.tasks.send_mailing_batch"
RESUME_AFTER = timedelta(minutes=10)  # a sending mailing without a batch this long is resumed


class Via(models.TextChoices):
    """Where the customer made the choice (kept in the audit event)."""

    SIGNUP = "signup", _("bij het registreren")
    PREFERENCES = "preferences", _("op de pagina E-mailvoorkeuren")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("met de afmeldlink in een e-mail")


class MailingError(Exception):
    """A mailing that cannot be sent as asked (the message says why, in Dutch/English)."""


class DeliveryFailed(Exception):
    """Handing a mail to the relay failed; the batch's rows wait again (the task retries)."""


def _now() -> datetime:
    return timezone.now()


def _language(language: str | None) -> str:
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


# --- the customer's choice -------------------------------------------------------------------


@transaction.atomic
def preference_set(*, user, objected: bool, via: Via, by=None, language: str | None = None) -> MarketingPreference:
    """Record the customer's choice. The first choice (at signup) and every change is an
    audit event (``marketing.objected`` / ``marketing.opted_in``); saving the same choice
    again changes nothing but the language marketing mail is written in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    preference = MarketingPreference.objects.filter(user=user).first()
    before = None if preference is None else preference.objected
    if preference is None:
        preference = MarketingPreference(user=user, changed_at=_now())
    if language:
        preference.language = _language(language)
    if before == objected:
        if preference.pk and language:
            preference.save(update_fields=["language"])
        return preference
    preference.objected = objected
    preference.changed_at = _now()
    preference.save()
    record(
        Action.MARKETING_OBJECTED if objected else Action.MARKETING_OPTED_IN,
        actor=by,
        subject=user,
        target=preference,
        changes={"objected": [before, objected], "via": [None, str(via)]},
    )
    return preference


@transaction.atomic
def unsubscribe(*, token: str) -> int:
    """Object to marketing mail for the accounts in the signed ``token``, at once, without
    login. Raises :class:`tokens.InvalidToken` for a token we did not make for this. Returns
    how many accounts changed (callers must not show it: that would tell whether the address
    has an account)."""
    target = tokens.read_token(token)
    if target.address is not None:  # a token of the old kind (consent.marketing.tokens)
        users = users_with_address(target.address)
    else:
        users = User.objects.filter(pk__in=target.user_ids)
    changed = 0
    for user in users:
        preference = preference_for(user)
        if preference is None or not preference.objected:
            preference_set(user=user, objected=True, via=Via.UNSUBSCRIBE_LINK)
            changed += 1
    return changed


# --- who receives a mailing --------------------------------------------------------------


def _with_language(queryset: QuerySet) -> QuerySet:
    """Each customer's mail language: the one of their choice, else of their newest
    subscription (as the billing mails), else Dutch."""
    from subscriptions.models import Subscription

    chosen = MarketingPreference.objects.filter(user=OuterRef("pk")).values("language")[:1]
    billing = Subscription.objects.filter(user=OuterRef("pk")).order_by("-pk").values("language")[:1]
    return queryset.annotate(mail_language=Coalesce(Subquery(chosen), Subquery(billing), Value(settings.LANGUAGE_CODE)))


# --- mailings ----------------------------------------------------------------------------


def _clean(value: str, *, limit: int, what) -> str:
    value = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise MailingError(_("%(what)s is te lang (hoogstens %(limit)d tekens).") % {"what": what, "limit": limit})
    return value


def mailing_validate(*, subject_nl: str, body_nl: str, subject_en: str = "", body_en: str = "") -> dict[str, str]:
    """The cleaned texts; :class:`MailingError` when the Dutch subject or text is empty,
    a text is too long, or only one of the English subject and text is given."""
    texts = {
        "subject_nl": " ".join(_clean(subject_nl, limit=SUBJECT_MAX, what=_("Het onderwerp")).split()),
        "body_nl": _clean(body_nl, limit=BODY_MAX, what=_("De tekst")),
        "subject_en": " ".join(_clean(subject_en, limit=SUBJECT_MAX, what=_("Het Engelse onderwerp")).split()),
        "body_en": _clean(body_en, limit=BODY_MAX, what=_("De Engelse tekst")),
    }
    if not texts["subject_nl"]:
        raise MailingError(_("Een mailing zonder onderwerp wordt niet verstuurd."))
    if not texts["body_nl"]:
        raise MailingError(_("Een mailing zonder tekst wordt niet verstuurd."))
    if bool(texts["subject_en"]) != bool(texts["body_en"]):
        raise MailingError(_("Geef voor het Engels zowel een onderwerp als een tekst, of geen van beide."))
    return texts


@transaction.atomic
def mailing_create(
    *, subject_nl: str, body_nl: str, subject_en: str = "", body_en: str = "", by=None, system: str | None = None
) -> Mailing:
    texts = mailing_validate(subject_nl=subject_nl, body_nl=body_nl, subject_en=subject_en, body_en=body_en)
    mailing = Mailing.objects.create(**texts)
    record(
        Action.MARKETING_MAILING_CREATED,
        actor=by,
        system=system,
        target=mailing,
        changes={"subject_nl": [None, mailing.subject_nl], "english": [None, bool(mailing.subject_en)]},
    )
    return mailing


def _label(by, system: str | None) -> str:
    if by is not None and getattr(by, "is_authenticated", False):
        return by.get_username()
    return system or "system"


@transaction.atomic
def mailing_send(*, mailing: Mailing, by=None, system: str | None = None) -> Mailing:
    """Start sending ``mailing`` (a draft) to every customer who may receive it now; the
    batches run in Celery. Returns the mailing with ``recipient_count`` set."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != Mailing.Status.DRAFT:
        raise MailingError(_("Deze mailing is al verstuurd of wordt verstuurd."))
    mailing_validate(
        subject_nl=mailing.subject_nl, body_nl=mailing.body_nl, subject_en=mailing.subject_en, body_en=mailing.body_en
    )
    now = _now()
    rows = _with_language(eligible_customers()).values_list("pk", "mail_language").order_by("pk")
    MailingRecipient.objects.bulk_create(
        (
            MailingRecipient(mailing=mailing, user_id=pk, language=_language(lang), queued_at=now)
            for pk, lang in rows.iterator(chunk_size=2000)
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    mailing.recipient_count = mailing.recipients.count()
    mailing.status = Mailing.Status.SENDING
    mailing.send_requested_at = now
    mailing.send_requested_by = _label(by, system)[:150]
    mailing.save()
    record(
        Action.MARKETING_MAILING_STARTED,
        actor=by,
        system=system,
        target=mailing,
        changes={"subject_nl": [None, mailing.subject_nl], "recipients": [None, mailing.recipient_count]},
    )
    _queue_batch(mailing.pk)
    return mailing


def _queue_batch(mailing_id: int, *, countdown: float = 0) -> None:
    after_commit(SEND_MAILING_BATCH, mailing_id, countdown=countdown or None)


@dataclass(frozen=True)
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    more: bool = False
    finished: bool = False


def _stale_claim() -> timedelta:
    """A claim this old belongs to a worker that died (``MARKETING_STALE_CLAIM_SECONDS``, the
    task time limit: no batch runs longer)."""
    return timedelta(seconds=settings.MARKETING_STALE_CLAIM_SECONDS)


def _claim_next(mailing_id: int) -> MailingRecipient | None:
    """Claim the next waiting row and commit the claim, right before its mail leaves."""
    with transaction.atomic():
        row = (
            MailingRecipient.objects.select_for_update(skip_locked=True)
            .filter(mailing_id=mailing_id, status=MailingRecipient.Status.PENDING)
            .order_by("pk")
            .first()
        )
        if row is not None:
            MailingRecipient.objects.filter(pk=row.pk).update(
                status=MailingRecipient.Status.SENDING, claimed_at=_now(), attempts=models.F("attempts") + 1
            )
    return row


def _mark(row: MailingRecipient, status: str, **fields) -> None:
    MailingRecipient.objects.filter(pk=row.pk).update(status=status, **fields)


def _give_back(row: MailingRecipient, error: str) -> None:
    """A row whose mail did not leave waits again (or fails after MAX_ATTEMPTS)."""
    attempts = row.attempts + 1  # the claim counted one
    status = MailingRecipient.Status.FAILED if attempts >= MAX_ATTEMPTS else MailingRecipient.Status.PENDING
    _mark(row, status, claimed_at=None, last_error=error[:300])


def _message(mailing: Mailing, row: MailingRecipient, address: str, connection):
    url = tokens.unsubscribe_url(address)
    return build_message(
        "consent/email/marketing",
        to=[address],
        context={"subject": mailing.subject_for(row.language), "body": mailing.body_for(row.language)},
        language=row.language,
        headers={
            # RFC 2369 and RFC 8058: one-click unsubscribe from the mail client.
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
        marketing=True,
        connection=connection,
    )


def mailing_send_batch(*, mailing_id: int, size: int | None = None) -> BatchResult:
    """Send the next batch of ``mailing_id`` (see the module docstring): up to ``size`` rows,
    each claimed (and the claim committed) right before its mail leaves. Raises
    :class:`DeliveryFailed` when the relay refused or failed; that row waits again."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        return BatchResult()
    size = size or settings.MARKETING_BATCH_SIZE
    MailingRecipient.objects.filter(
        mailing=mailing, status=MailingRecipient.Status.SENDING, claimed_at__lt=_now() - _stale_claim()
    ).update(status=MailingRecipient.Status.UNKNOWN)
    Mailing.objects.filter(pk=mailing.pk).update(last_batch_at=_now())
    if not MailingRecipient.objects.filter(mailing=mailing, status=MailingRecipient.Status.PENDING).exists():
        return BatchResult(finished=_finish_if_done(mailing.pk))
    sent = skipped = failed = 0
    connection = get_connection()
    try:
        try:
            connection.open()  # one connection to the relay for the whole batch; nothing claimed yet
        except Exception as exc:
            raise DeliveryFailed(repr(exc)) from exc
        for _ in range(size):
            row = _claim_next(mailing.pk)
            if row is None:
                break
            # Checked again now: an objection (or a closed account) takes effect at once, also
            # for a mailing that is already on its way.
            address = eligible_customers().filter(pk=row.user_id).values_list("email", flat=True).first()
            if address is None:
                _mark(row, MailingRecipient.Status.SKIPPED)
                skipped += 1
                continue
            try:
                _message(mailing, row, address, connection).send()
            except smtplib.SMTPRecipientsRefused as exc:  # this address only; the relay is fine
                _mark(row, MailingRecipient.Status.FAILED, email=address, last_error=str(exc)[:300])
                failed += 1
                continue
            except Exception as exc:
                logger.warning("Mailing %s: sending to recipient %s failed: %r", mailing.pk, row.pk, exc)
                _give_back(row, repr(exc))
                raise DeliveryFailed(repr(exc)) from exc
            _mark(row, MailingRecipient.Status.SENT, email=address, sent_at=_now())
            sent += 1
    finally:
        connection.close()
    more = MailingRecipient.objects.filter(mailing=mailing, status=MailingRecipient.Status.PENDING).exists()
    if more:
        _queue_batch(mailing.pk, countdown=settings.MARKETING_BATCH_PAUSE)
        return BatchResult(sent=sent, skipped=skipped, failed=failed, more=True)
    finished = _finish_if_done(mailing.pk)
    if not finished:
        _look_again_when_stale(mailing.pk)
    return BatchResult(sent=sent, skipped=skipped, failed=failed, finished=finished)


def _look_again_when_stale(mailing_id: int) -> None:
    """Nothing waits, but a row is still claimed (by a batch running elsewhere, or by a worker
    that died with that one mail in flight): one more batch when that claim would be stale
    finishes the mailing, so it does not wait for the beat job."""
    oldest = (
        MailingRecipient.objects.filter(mailing_id=mailing_id, status=MailingRecipient.Status.SENDING)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if oldest is None:
        return
    wait = (oldest + _stale_claim() - _now()).total_seconds() + 1
    _queue_batch(mailing_id, countdown=min(max(wait, 1), settings.TASK_LONGEST_COUNTDOWN))


@transaction.atomic
def _finish_if_done(mailing_id: int) -> bool:
    mailing = Mailing.objects.select_for_update().get(pk=mailing_id)
    if mailing.status != Mailing.Status.SENDING:
        return False
    progress = mailing_progress(mailing)
    if not progress.done:
        # Rows claimed by a batch still running, or by a worker that died: mailings_resume
        # (every few minutes) looks again, and after _stale_claim() they count as unknown.
        return False
    mailing.status = Mailing.Status.SENT
    mailing.finished_at = _now()
    mailing.sent_count = progress.sent
    mailing.skipped_count = progress.skipped
    mailing.failed_count = progress.failed
    mailing.save()
    record(
        Action.MARKETING_MAILING_FINISHED,
        system="marketing",
        target=mailing,
        changes={
            "sent": [None, progress.sent],
            "skipped": [None, progress.skipped],
            "failed": [None, progress.failed],
            "unknown": [None, progress.unknown],
        },
    )
    return True


def mailings_resume() -> int:
    """Queue a batch for every mailing that is sending but has had no batch for a while
    (its task chain was lost, e.g. Redis restarted). Safe to run any time: claims are
    exclusive. Returns how many were resumed."""
    quiet_since = _now() - RESUME_AFTER
    ids = list(
        Mailing.objects.filter(status=Mailing.Status.SENDING)
        .filter(Q(last_batch_at__lt=quiet_since) | Q(last_batch_at__isnull=True, send_requested_at__lt=quiet_since))
        .values_list("pk", flat=True)
    )
    for mailing_id in ids:
        _queue_batch(mailing_id)
    return len(ids)
