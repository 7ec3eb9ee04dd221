"""Writes of the privacy office, each recorded in the audit trail.

Requests from people: logged when they come in (by mail, phone or otherwise), the identity
check, one extension of the one-month term (only with the notice sent to the person), the
status up to done or refused, and what was done. Hostile or impossible input raises
``PrivacyError`` with a Dutch message and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.mail import send_later
from privacy import selectors
from privacy.models import CLOSED_STATUSES, Breach, Disclosure, PrivacyRequest, RequestAction, RequestStatus

REQUEST_TERM = relativedelta(months=1)
MAX_EXTENSION_MONTHS = 2
REMINDER_DAYS = (20, 27)


class PrivacyError(ValidationError):
    """A refused change; the message is for the office, in Dutch."""


def due_date(received_on: date, extended_by_months: int = 0) -> date:
    return received_on + REQUEST_TERM + relativedelta(months=extended_by_months)


def _open(request: PrivacyRequest) -> PrivacyRequest:
    locked = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in CLOSED_STATUSES:
        raise PrivacyError(_("Dit verzoek is afgesloten en kan niet meer worden gewijzigd."))
    return locked


def _text(value: str, field: str, limit: int = 5000) -> str:
    value = (value or "").strip()
    if not value:
        raise PrivacyError(_("Vul %(field)s in.") % {"field": field})
    if len(value) > limit or "\x00" in value:
        raise PrivacyError(_("%(field)s is te lang of bevat ongeldige tekens.") % {"field": field.capitalize()})
    return value


@transaction.atomic
def request_receive(
    *,
    by,
    kind: str,
    channel: str,
    received_on: date,
    person_name: str,
    person_contact: str,
    details: str = "",
    user=None,
) -> PrivacyRequest:
    """Log a request that came in; its due date is one month after receipt."""
    today = timezone.localdate()
    if received_on > today:
        raise PrivacyError(_("De ontvangstdatum kan niet in de toekomst liggen."))
    request = PrivacyRequest(
        kind=kind,
        channel=channel,
        received_on=received_on,
        person_name=_text(person_name, _("de naam van de persoon"), 200),
        person_contact=_text(person_contact, _("de contactgegevens"), 300),
        details=(details or "").strip(),
        user=user,
        due_on=due_date(received_on),
        created_by=by,
    )
    try:
        request.full_clean()
    except ValidationError as exc:
        raise PrivacyError(_("Controleer de soort en het kanaal van het verzoek.")) from exc
    request.save()
    record(
        Action.PRIVACY_REQUEST_RECEIVED,
        actor=by,
        subject=user,
        target=request,
        changes={"kind": kind, "channel": channel, "received_on": received_on.isoformat()},
    )
    return request


@transaction.atomic
def request_identity_checked(*, request: PrivacyRequest, by, method: str) -> PrivacyRequest:
    request = _open(request)
    if request.identity_checked_at is not None:
        raise PrivacyError(_("De identiteit is al gecontroleerd."))
    request.identity_method = _text(method, _("hoe de identiteit is gecontroleerd"), 300)
    request.identity_checked_by = by
    request.identity_checked_at = timezone.now()
    if request.status == RequestStatus.RECEIVED:
        request.status = RequestStatus.IDENTITY_CHECKED
    request.save()
    record(
        Action.PRIVACY_REQUEST_IDENTITY_CHECKED,
        actor=by,
        subject=request.user,
        target=request,
        changes={"method": request.identity_method},
    )
    return request


@transaction.atomic
def request_extend(*, request: PrivacyRequest, by, months: int, notice_on: date, notice_text: str) -> PrivacyRequest:
    """Extend the term once, by one or two months, with the notice sent to the person."""
    request = _open(request)
    if request.extended_by_months:
        raise PrivacyError(_("De termijn is al eens verlengd; dat kan maar één keer."))
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise PrivacyError(_("Verlengen kan met één of twee maanden."))
    if notice_on is None or notice_on > timezone.localdate() or notice_on < request.received_on:
        raise PrivacyError(_("Vul de datum in waarop de persoon over de verlenging is geïnformeerd."))
    if notice_on > request.due_on:
        raise PrivacyError(_("De persoon moet binnen de eerste termijn over de verlenging worden geïnformeerd."))
    request.extension_notice_text = _text(notice_text, _("de tekst van de melding aan de persoon"))
    request.extension_notice_on = notice_on
    request.extended_by_months = months
    old_due = request.due_on
    request.due_on = due_date(request.received_on, months)
    request.save()
    record(
        Action.PRIVACY_REQUEST_EXTENDED,
        actor=by,
        subject=request.user,
        target=request,
        changes={"due_on": [old_due.isoformat(), request.due_on.isoformat()], "notice_on": notice_on.isoformat()},
    )
    return request


@transaction.atomic
def request_status_set(*, request: PrivacyRequest, by, status: str, reason: str = "") -> PrivacyRequest:
    request = _open(request)
    if status not in RequestStatus.values or status == RequestStatus.RECEIVED:
        raise PrivacyError(_("Kies een geldige status."))
    if status == request.status:
        return request
    if status in (RequestStatus.IN_PROGRESS, RequestStatus.DONE) and request.identity_checked_at is None:
        raise PrivacyError(_("Controleer eerst de identiteit van de persoon."))
    if status == RequestStatus.IDENTITY_CHECKED and request.identity_checked_at is None:
        raise PrivacyError(_("Leg vast hoe de identiteit is gecontroleerd."))
    if status == RequestStatus.REFUSED:
        request.refusal_reason = _text(reason, _("de reden van weigering"))
    old = request.status
    request.status = status
    if status in CLOSED_STATUSES:
        request.closed_at = timezone.now()
    request.save()
    record(
        Action.PRIVACY_REQUEST_STATUS_CHANGED,
        actor=by,
        subject=request.user,
        target=request,
        changes={"status": [old, status]},
    )
    return request


@transaction.atomic
def request_action_add(*, request: PrivacyRequest, by, text: str) -> RequestAction:
    request = _open(request)
    action = RequestAction.objects.create(request=request, text=_text(text, _("wat is gedaan")), by=by)
    record(
        Action.PRIVACY_REQUEST_ACTION_ADDED,
        actor=by,
        subject=request.user,
        target=request,
        changes={"action": action.text},
    )
    return action


@transaction.atomic
def request_export_start(*, request: PrivacyRequest, by) -> RequestAction:
    """Start the linked customer's data export (retention) and note it as an action."""
    from retention.services import export_request

    if request.user_id is None:
        raise PrivacyError(_("Koppel eerst een klantaccount aan dit verzoek."))
    export = export_request(user=request.user, by=by)
    return request_action_add(
        request=request, by=by, text=_("Gegevensexport gestart (export %(id)s).") % {"id": export.pk}
    )


def _reminder_field(day: int) -> str:
    return f"reminded_day_{day}_at"


def request_reminders_send(*, today: date | None = None) -> int:
    """Mail the office about every open request that reached day 20 or day 27 since it was
    received (each reminder once). Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for day in sorted(REMINDER_DAYS, reverse=True):
        field = _reminder_field(day)
        due = PrivacyRequest.objects.exclude(status__in=CLOSED_STATUSES).filter(
            **{f"{field}__isnull": True, "received_on__lte": today - timedelta(days=day)}
        )
        for request_id in due.values_list("pk", flat=True):
            with transaction.atomic():
                request = PrivacyRequest.objects.select_for_update().get(pk=request_id)
                if getattr(request, field) is not None:
                    continue
                updates = {field: timezone.now()}
                if day == 27:  # past day 27: the day-20 reminder would say nothing new
                    updates.setdefault(_reminder_field(20), request.reminded_day_20_at or timezone.now())
                PrivacyRequest.objects.filter(pk=request.pk).update(**updates)
                send_later(
                    "privacy/email/request_reminder",
                    to=[selectors.office_email()],
                    context={
                        "greeting_name": _("Privacybureau"),
                        "day": day,
                        "kind": request.get_kind_display(),
                        "request_id": request.pk,
                        "received_on": request.received_on,
                        "due_on": request.due_on,
                        "status": request.get_status_display(),
                    },
                )
                record(
                    Action.PRIVACY_REQUEST_REMINDED,
                    system="privacy",
                    subject=request.user,
                    target=request,
                    changes={"day": day},
                )
                sent += 1
    return sent


# --- Breach register ---------------------------------------------------------------------

BREACH_TEXT_FIELDS = ("facts", "data_affected", "people_affected", "consequences", "measures")
BREACH_FIELDS = (
    *BREACH_TEXT_FIELDS,
    "detected_at",
    "reported_on",
    "not_reported_reason",
    "people_told_on",
    "people_not_told_reason",
)


def _breach_values(values: dict) -> dict:
    labels = {
        "facts": _("wat er is gebeurd"),
        "data_affected": _("welke gegevens"),
        "people_affected": _("welke personen"),
        "consequences": _("de gevolgen"),
        "measures": _("de maatregelen"),
    }
    clean = {f: values.get(f) for f in BREACH_FIELDS if f in values}
    for f in BREACH_TEXT_FIELDS:
        if f in clean:
            clean[f] = _text(clean[f], labels[f], 20000)
    for f in ("not_reported_reason", "people_not_told_reason"):
        if f in clean:
            clean[f] = (clean[f] or "").strip()
            if "\x00" in clean[f] or len(clean[f]) > 20000:
                raise PrivacyError(_("Een reden is te lang of bevat ongeldige tekens."))
    now = timezone.now()
    if clean.get("detected_at") and clean["detected_at"] > now:
        raise PrivacyError(_("Het moment van ontdekken kan niet in de toekomst liggen."))
    for f in ("reported_on", "people_told_on"):
        if clean.get(f) and clean[f] > timezone.localdate():
            raise PrivacyError(_("Een meld- of informeerdatum kan niet in de toekomst liggen."))
    return clean


@transaction.atomic
def breach_record(*, by, **values) -> Breach:
    missing = [f for f in (*BREACH_TEXT_FIELDS, "detected_at") if not values.get(f)]
    if "detected_at" in missing:
        raise PrivacyError(_("Vul in wanneer het lek is ontdekt."))
    breach = Breach(created_by=by, **_breach_values(values))
    breach.save()
    record(
        Action.PRIVACY_BREACH_RECORDED, actor=by, target=breach, changes={"detected_at": breach.detected_at.isoformat()}
    )
    return breach


def _open_breach(breach: Breach) -> Breach:
    locked = Breach.objects.select_for_update().get(pk=breach.pk)
    if locked.closed_at is not None:
        raise PrivacyError(_("Dit datalek is afgesloten en kan niet meer worden gewijzigd."))
    return locked


@transaction.atomic
def breach_update(*, breach: Breach, by, **values) -> Breach:
    breach = _open_breach(breach)
    clean = _breach_values(values)
    changed = [f for f, v in clean.items() if getattr(breach, f) != v]
    if not changed:
        return breach
    for f in changed:
        setattr(breach, f, clean[f])
    breach.save()
    record(Action.PRIVACY_BREACH_CHANGED, actor=by, target=breach, changes={"fields": sorted(changed)})
    return breach


@transaction.atomic
def breach_close(*, breach: Breach, by) -> Breach:
    """Close the breach: from now on it cannot change. It needs "gemeld op" or "niet gemeld
    omdat", and the people affected told (date) or why not."""
    breach = _open_breach(breach)
    if bool(breach.reported_on) == bool(breach.not_reported_reason):
        raise PrivacyError(
            _("Vul bij het afsluiten óf de datum van melding aan de AP óf de reden om niet te melden in.")
        )
    if bool(breach.people_told_on) == bool(breach.people_not_told_reason):
        raise PrivacyError(
            _("Vul bij het afsluiten óf de datum waarop de betrokkenen zijn geïnformeerd óf de reden waarom niet in.")
        )
    breach.closed_at = timezone.now()
    breach.closed_by = by
    breach.save()
    record(Action.PRIVACY_BREACH_CLOSED, actor=by, target=breach)
    return breach


# --- Disclosure log ----------------------------------------------------------------------


@transaction.atomic
def disclosure_log(
    *,
    by,
    user,
    authority: str,
    data_given: str,
    legal_ground: str,
    disclosed_on: date,
    notice_banned: bool = False,
    notice_banned_until: date | None = None,
) -> Disclosure:
    """Log that data of ``user`` was given to an authority. The log is append-only: there is
    no service to change or remove an entry."""
    if user is None:
        raise PrivacyError(_("Kies de klant over wie gegevens zijn verstrekt."))
    if disclosed_on is None or disclosed_on > timezone.localdate():
        raise PrivacyError(_("De datum van verstrekking kan niet leeg zijn of in de toekomst liggen."))
    if notice_banned_until and not notice_banned:
        raise PrivacyError(_("Een einddatum hoort alleen bij een verbod op mededeling."))
    disclosure = Disclosure.objects.create(
        user=user,
        subject_id=user.pk,
        authority=_text(authority, _("de instantie"), 200),
        data_given=_text(data_given, _("welke gegevens zijn verstrekt")),
        legal_ground=_text(legal_ground, _("de wettelijke grondslag")),
        disclosed_on=disclosed_on,
        by=by,
        notice_banned=bool(notice_banned),
        notice_banned_until=notice_banned_until if notice_banned else None,
    )
    # The audit trail is the customer's to see ("Activiteit"): while a ban applies it must
    # not name the authority, so the event carries no details and no subject.
    record(Action.PRIVACY_DISCLOSURE_LOGGED, actor=by, target=disclosure)
    return disclosure


# --- the Article 30 record ------------------------------------------------------------------


@transaction.atomic
def record_download(*, by, file_format: str, language: str) -> None:
    """Note that ``by`` downloaded the Article 30 record: it names the customers we process
    webshop orders for, so it leaves the portal as a file only with a trace."""
    record(
        Action.PRIVACY_RECORD_DOWNLOADED,
        actor=by,
        target_type="privacy.processing_record",
        changes={"format": [None, file_format], "language": [None, language]},
    )
