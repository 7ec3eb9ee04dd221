"""The register of personal data.

Every app that keeps personal data declares it in its own ``<app>/personal_data.py`` by
calling :func:`register` with one :class:`Category` per kind of data. The register is
collected when Django starts (like ``admin.py``) and drives everything else: enforcement,
``manage.py retention``, "Mijn gegevens", the data export and the report.

A category with a ``due`` builder is enforced on its own; a category that goes together
with another one (for example the profile, erased with the account) names that category in
``disposed_with`` and declares no ``due`` of its own.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    CONTRACT = "contract", _("uitvoering van de overeenkomst")
    LEGAL_OBLIGATION = "legal_obligation", _("wettelijke verplichting")
    CONSENT = "consent", _("toestemming")
    LEGITIMATE_INTEREST = "legitimate_interest", _("gerechtvaardigd belang")


class DataSubject(models.TextChoices):
    """Whose data a category holds (AVG art. 30(1)(c): categories of data subjects)."""

    CUSTOMERS = "customers", _("klanten (ondernemers en hun contactpersonen)")
    VISITORS = "visitors", _("bezoekers van de website en het portaal")
    STAFF = "staff", _("onze medewerkers")
    REQUESTERS = "requesters", _("personen die ons een verzoek over hun gegevens doen")
    BREACH_AFFECTED = "breach_affected", _("personen van wie gegevens bij een datalek betrokken zijn")
    SHOP_CUSTOMERS = "shop_customers", _("klanten van de webwinkels van onze klanten")


class Role(models.TextChoices):
    """Whether we decide about the data (controller) or process it for a customer under the
    verwerkersovereenkomst (processor): the two parts of the Article 30 record."""

    CONTROLLER = "controller", _("verwerkingsverantwoordelijke")
    PROCESSOR = "processor", _("verwerker")


@dataclass(frozen=True)
class ControllerOf:
    """A customer for whom we process a processor category's data: who, how to reach them,
    and which verwerkersovereenkomst they accepted when (AVG art. 30(2)(a))."""

    name: str
    contact: str
    agreement_version: str
    accepted_on: date


class EndAction(models.TextChoices):
    DELETE = "delete", _("verwijderen")
    ANONYMISE = "anonymise", _("anonimiseren")


@dataclass(frozen=True)
class Period:
    """A retention period in calendar days, months and years on the Amsterdam calendar.

    Data whose clock started on day D is kept for the whole of day D + period and goes
    from the start of the day after (00:00 Amsterdam time): never early, at most a day
    late (and the job runs daily anyway). Counting whole days keeps the rule monotone:
    adding months clamps to the month's end (30 November + 3 months is 28 February), which
    at time-of-day precision would let a later start expire earlier.

    ``cutoff(now)`` is the exact inverse of ``ends_at``: data is due at ``now`` if and only
    if its start is at or before ``cutoff(now)``, so the due query is a plain indexable
    ``start <= cutoff``.
    """

    years: int = 0
    months: int = 0
    days: int = 0

    def _delta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days)

    @staticmethod
    def _midnight(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    def last_day(self, start: datetime) -> date:
        """The last (Amsterdam) day on which data started at ``start`` is still kept."""
        return timezone.localdate(start) + self._delta()

    def ends_at(self, start: datetime) -> datetime:
        return self._midnight(self.last_day(start) + timedelta(days=1))

    def cutoff(self, now: datetime) -> datetime:
        # Due when last_day(start) <= yesterday; last_day is monotone in the start day, so
        # find the latest start day that qualifies.
        yesterday = timezone.localdate(now) - timedelta(days=1)
        latest = yesterday - self._delta()
        if (self.years or self.months) and self.days == 0:
            if yesterday.day == calendar.monthrange(yesterday.year, yesterday.month)[1]:
                latest = latest.replace(day=calendar.monthrange(latest.year, latest.month)[1])
        return self._midnight(latest + timedelta(days=1)) - timedelta(microseconds=1)

    def describe(self) -> str:
        from django.utils.translation import ngettext

        parts = []
        if self.years:
            parts.append(ngettext("%(n)d jaar", "%(n)d jaar", self.years) % {"n": self.years})
        if self.months:
            parts.append(ngettext("%(n)d maand", "%(n)d maanden", self.months) % {"n": self.months})
        if self.days:
            parts.append(ngettext("%(n)d dag", "%(n)d dagen", self.days) % {"n": self.days})
        return ", ".join(parts) or str(_("direct"))


@dataclass(frozen=True)
class SamePeriodAs:
    """The period of another app's category, read from the register when it is used (data
    kept "as long as the account", say): the owner states its period once, and a later
    change there reaches every category that follows it."""

    category: str

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and dataclass machinery
            raise AttributeError(name)
        return getattr(period_of(self.category), name)


@dataclass(frozen=True)
class Explanation:
    """What one category holds about one customer and when it goes."""

    category: Category
    held: bool  # is there anything of this category about the customer now
    removal_at: datetime | None = None  # None: not yet known (the clock has not started)
    note: str = ""  # plain words, e.g. "drie maanden nadat u uw account opheft"
    on_hold: bool = False


@dataclass(frozen=True)
class Category:
    """One kind of personal data, declared once by the app that keeps it."""

    name: str
    verbose_name: Any  # lazy Dutch text
    purpose: Any
    legal_basis: LegalBasis
    clock_start: Any  # the event that starts the clock, in words
    # None: the period is "as long as X" (see disposed_with / clock_start); SamePeriodAs:
    # another category's period, read through the register.
    period: Period | SamePeriodAs | None
    end_action: EndAction
    data: Any = ""  # which fields, in words
    # Set-based: the rows due at ``now`` (held customers not yet excluded). Returns a
    # queryset; only its primary keys are read, in batches.
    due: Callable[[datetime], QuerySet] | None = None
    # Batch action on primary keys; returns affected row counts per table (label → n).
    dispose: Callable[[list[Any]], dict[str, int]] | None = None
    # Exclude the rows of customers under a legal hold; receives the queryset and a
    # queryset of held user ids. Default: filter on ``subject_field``.
    subject_field: str | None = None
    exclude_held: Callable[[QuerySet, QuerySet], QuerySet] | None = None
    export: Callable[[Any], Any] | None = None
    # Files this category keeps about one customer, for the export ZIP (beside its JSON):
    # (name, bytes) pairs, written under the category's name (e.g. invoices as issued).
    export_files: Callable[[Any], Iterable[tuple[str, bytes]]] | None = None
    explain: Callable[[Any, datetime], Explanation] | None = None
    disposed_with: str | None = None
    # Called (set-based, on a batch of user ids, inside the erasure's transaction) when
    # accounts are erased: removes or redacts this category's rows of those customers.
    erase_users: Callable[[list[int]], dict[str, int]] | None = None
    order: int = 100
    app_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Who receives this data besides us: keys of processors in the statement's register of
    # processors (``consent.Processor.key``), e.g. ("hosting", "mollie"). The privacy
    # statement lists them per category.
    recipients: tuple[str, ...] = ()
    # For the Article 30 record (privacy.selectors.processing_record; every entry fills these
    # in, privacy/tests/test_processing_record_register.py): whose data it is, and the
    # measures that protect this data beyond the general ones (privacy.selectors.
    # GENERAL_SECURITY_MEASURES), in words.
    data_subjects: tuple[DataSubject, ...] = ()
    security: Any = ""
    # PROCESSOR: data we process for customers (the record's processor part); such a
    # category names the customers it is processed for (one query, in order).
    role: Role = Role.CONTROLLER
    controllers: Callable[[], list[ControllerOf]] | None = None

    def retention_text(self) -> str:
        """How long, in words for the statement: "3 maanden na het opheffen van het account"."""
        from django.utils.translation import gettext

        if self.period is None:
            return str(self.clock_start)
        return gettext("%(period)s na %(start)s") % {"period": self.period.describe(), "start": self.clock_start}

    @property
    def enforced(self) -> bool:
        return self.due is not None and self.dispose is not None

    def due_queryset(self, now: datetime, held_user_ids: QuerySet | None = None) -> QuerySet:
        if self.due is None:
            raise ValueError(f"category {self.name} has no due builder")
        queryset = self.due(now)
        if held_user_ids is not None:
            if self.exclude_held is not None:
                queryset = self.exclude_held(queryset, held_user_ids)
            elif self.subject_field:
                queryset = queryset.exclude(**{f"{self.subject_field}__in": held_user_ids})
        return queryset

    def held_queryset(self, now: datetime, held_user_ids: QuerySet) -> QuerySet:
        """The rows that would be due but are kept because of a legal hold."""
        due = self.due_queryset(now)
        kept = self.due_queryset(now, held_user_ids)
        return due.exclude(pk__in=kept.values("pk"))


_registry: dict[str, Category] = {}
_discovered = False


def register(*categories: Category) -> None:
    for category in categories:
        if category.name in _registry and _registry[category.name] is not category:
            raise ValueError(f"personal-data category {category.name!r} registered twice")
        _registry[category.name] = category


def autodiscover() -> None:
    global _discovered
    autodiscover_modules("personal_data")
    _discovered = True


def categories() -> list[Category]:
    if not _discovered:
        autodiscover()
    return sorted(_registry.values(), key=lambda c: (c.order, c.name))


def enforced_categories() -> list[Category]:
    return [c for c in categories() if c.enforced]


def get(name: str) -> Category:
    if not _discovered:
        autodiscover()
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(name) from None


def period_of(name: str) -> Period:
    """The period of the category ``name``, as its owner declared it: an app that keeps its
    data as long as another app's (say, "with the account") reads that period here instead
    of importing the other app."""
    period = get(name).period
    if period is None:
        raise ValueError(f"category {name} declares no period of its own")
    return period


def names() -> Iterable[str]:
    return [c.name for c in categories()]


def local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None
