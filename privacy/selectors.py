"""Reads of the privacy office, and the Article 30 record of processing activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from consent.models import Processor
from privacy.models import CLOSED_STATUSES, Disclosure, PrivacyRequest
from register import registry
from register.registry import ControllerOf, Role

AP_CLOCK = timedelta(hours=72)  # AVG art. 33(1): to the Autoriteit Persoonsgegevens


def requests_open() -> QuerySet:
    return PrivacyRequest.objects.exclude(status__in=CLOSED_STATUSES)


def request_is_overdue(request: PrivacyRequest, today: date | None = None) -> bool:
    return not request.is_closed and request.due_on < (today or timezone.localdate())


def breach_deadline(breach):
    """When the Autoriteit Persoonsgegevens must have been told: 72 hours after detection."""
    return breach.detected_at + AP_CLOCK


def breach_is_overdue(breach, now=None) -> bool:
    """Past the 72 hours without "gemeld op" or "niet gemeld omdat"."""
    if breach.reported_on or breach.not_reported_reason:
        return False
    return (now or timezone.now()) > breach_deadline(breach)


def disclosures_for_own_export(user, today: date | None = None) -> list:
    """The disclosures about ``user`` that their own export shows: none while a legal hold
    applies to them, and none whose ban on telling them is still in force."""
    from retention.models import LegalHold

    today = today or timezone.localdate()
    if LegalHold.objects.active().filter(subject_id=user.pk).exists():
        return []
    return list(
        Disclosure.objects.filter(subject_id=user.pk)
        .exclude(notice_banned=True, notice_banned_until__isnull=True)
        .exclude(notice_banned=True, notice_banned_until__gte=today)
        .order_by("disclosed_on", "pk")
    )


def office_email() -> str:
    """Where people and the office's reminders reach the privacy office."""
    return settings.PRIVACY_OFFICE_EMAIL or settings.COMPANY["email"]


# --- the Article 30 record ---------------------------------------------------------------

# The measures that protect every category (AVG art. 30(1)(g) and 30(2)(d), "a general
# description"); what a category adds is its own ``security`` in the register. Written here
# once: the record's page, PDF and CSV all read this list.
GENERAL_SECURITY_MEASURES = (
    _("Alle verkeer versleuteld over HTTPS (met HSTS); cookies alleen via HTTPS."),
    _("Servers en opslag in Nederland, bij een hostingprovider met een verwerkersovereenkomst."),
    _(
        "Medewerkers loggen in met tweestapsverificatie en hebben alleen de rechten van hun rol "
        "(Ondersteuning, Facturatie, Privacybureau, beheer)."
    ),
    _(
        "Elke wijziging en elke handeling van een medewerker staat in een logboek dat alleen kan groeien, "
        "met een hashketen en ondertekende controlepunten buiten de database."
    ),
    _("Inlogpogingen beperkt: na te veel mislukte pogingen wordt inloggen tijdelijk geblokkeerd."),
    _("Strikt Content-Security-Policy: geen scripts van derden en geen verzoek aan derden vóór toestemming."),
    _("Bewaartermijnen worden elke dag afgedwongen: wat verlopen is, wordt verwijderd of geanonimiseerd."),
    _("Dagelijkse back-ups op andere opslag dan de database, 35 dagen bewaard en bij terugzetten gecontroleerd."),
)

# What every register entry must state for the record to be complete (besides recipients
# that are in the processors list, and the customers of a processor entry).
RECORD_FIELDS = (
    "verbose_name",
    "purpose",
    "legal_basis",
    "data_subjects",
    "data",
    "recipients",
    "clock_start",
    "security",
)


def record_gaps(category: registry.Category, processor_keys: set[str]) -> list[str]:
    """What ``category`` lacks for the record, as field names (empty: complete).
    ``processor_keys``: the keys of the processors list; a recipient must be one of them."""
    gaps = [name for name in RECORD_FIELDS if not str(getattr(category, name) or "").strip()]
    gaps += [f"recipients:{key}" for key in category.recipients if key not in processor_keys]
    if category.role == Role.PROCESSOR and category.controllers is None:
        gaps.append("controllers")
    return gaps


@dataclass(frozen=True)
class Activity:
    """One processing activity (one register entry) as the record states it."""

    key: str
    title: str
    role: Role
    purpose: str
    legal_basis: str
    data_subjects: list[str]
    data: str
    recipients: list[str]
    transfers: list[str]  # "Google (Verenigde Staten): <basis>"; empty: none outside the EU
    retention: str
    end_action: str
    security: str
    controllers: list[ControllerOf]  # processor part: the customers we process it for


@dataclass(frozen=True)
class ProcessingRecord:
    generated_at: datetime
    language: str
    company: dict[str, str]
    address: str
    contact: str
    controller_activities: list[Activity]
    processor_activities: list[Activity]
    security_measures: list[str]


LANGUAGES = ("nl", "en")


def processing_record(*, language: str = "nl") -> ProcessingRecord:
    """The Article 30 record, built now from the register and the processors list, in
    ``language`` ("nl" or "en"). A bounded number of queries: the processors, and one per
    processor-part category for the customers it is processed for."""
    if language not in LANGUAGES:
        raise ValueError(language)
    processors = {p.key: p for p in Processor.objects.all()}
    company = settings.COMPANY
    with translation.override(language):
        activities = []
        for category in registry.categories():
            recipients = [processors[key] for key in category.recipients if key in processors]
            activities.append(
                Activity(
                    key=category.name,
                    title=str(category.verbose_name),
                    role=Role(category.role),
                    purpose=str(category.purpose),
                    legal_basis=str(category.legal_basis.label),
                    data_subjects=[str(subject.label) for subject in category.data_subjects],
                    data=str(category.data),
                    recipients=[p.name for p in recipients],
                    transfers=[
                        f"{p.name} ({countries.name(p.country)}): {p.transfer_basis(language)}"
                        for p in recipients
                        if p.outside_eu
                    ],
                    retention=category.retention_text(),
                    end_action=str(category.end_action.label),
                    security=str(category.security),
                    controllers=category.controllers() if category.controllers else [],
                )
            )
        country = str(countries.name(company["country"]))
        return ProcessingRecord(
            generated_at=timezone.now(),
            language=language,
            company=company,
            address=f"{company['street']}, {company['postal_code']} {company['city']}, {country}",
            contact=office_email(),
            controller_activities=[a for a in activities if a.role == Role.CONTROLLER],
            processor_activities=[a for a in activities if a.role == Role.PROCESSOR],
            security_measures=[str(text) for text in GENERAL_SECURITY_MEASURES],
        )


def record_transfers_text(activity: Activity) -> str:
    return "; ".join(activity.transfers) or gettext("geen")
