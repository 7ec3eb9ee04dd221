"""The privacy office's records: requests from people about their data (AVG articles 15-22)
with their one-month clock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("inzage")
    RECTIFICATION = "rectification", _("correctie")
    ERASURE = "erasure", _("verwijdering")
    OBJECTION = "objection", _("bezwaar")
    RESTRICTION = "restriction", _("beperking")
    PORTABILITY = "portability", _("overdraagbaarheid")


class Channel(models.TextChoices):
    MAIL = "mail", _("e-mail of post")
    PHONE = "phone", _("telefoon")
    OTHER = "other", _("anders")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    IDENTITY_CHECKED = "identity_checked", _("identiteit gecontroleerd")
    IN_PROGRESS = "in_progress", _("in behandeling")
    DONE = "done", _("afgehandeld")
    REFUSED = "refused", _("geweigerd")


CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.REFUSED)


class PrivacyRequest(models.Model):
    kind = models.CharField(_("soort"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(_("ontvangen via"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("ontvangen op"))
    person_name = models.CharField(_("naam van de persoon"), max_length=200)
    person_contact = models.CharField(_("contactgegevens"), max_length=300)
    details = models.TextField(_("wat de persoon vraagt"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("klantaccount"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identity_method = models.CharField(_("identiteit gecontroleerd door middel van"), max_length=300, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identiteit gecontroleerd door"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    identity_checked_at = models.DateTimeField(_("identiteit gecontroleerd op"), null=True, blank=True)
    due_on = models.DateField(_("uiterste datum"))
    extended_by_months = models.PositiveSmallIntegerField(_("verlengd met (maanden)"), default=0)
    extension_notice_on = models.DateField(_("verlenging gemeld op"), null=True, blank=True)
    extension_notice_text = models.TextField(_("tekst van de melding"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    refusal_reason = models.TextField(_("reden van weigering"), blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    reminded_day_20_at = models.DateTimeField(
        _("herinnering dag 20 verstuurd op"), null=True, blank=True, editable=False
    )
    reminded_day_27_at = models.DateTimeField(
        _("herinnering dag 27 verstuurd op"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verzoek van een persoon")
        verbose_name_plural = _("verzoeken van personen")
        ordering = ("due_on", "id")
        indexes = [models.Index(fields=["closed_at"]), models.Index(fields=["status", "due_on"])]
        # The Article 30 record is no model of its own: its right lives with the office's requests.
        permissions = [("view_processing_record", _("verwerkingsregister (AVG art. 30) inzien en downloaden"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.person_name} ({self.received_on:%d-%m-%Y})"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class RequestAction(models.Model):
    """What was done for a request (free text), by whom and when; in order."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("wat is gedaan"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("op"), auto_now_add=True)

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return self.text[:60]


class Breach(models.Model):
    """One data breach, reported to the Autoriteit Persoonsgegevens or not (AVG art. 33(5)).
    Once closed it cannot change: the service refuses, the admin shows it read-only and a
    database trigger refuses any UPDATE of a closed row."""

    facts = models.TextField(_("wat er is gebeurd"))
    data_affected = models.TextField(_("welke gegevens"))
    people_affected = models.TextField(_("welke personen (en hoeveel)"))
    consequences = models.TextField(_("gevolgen"))
    measures = models.TextField(_("genomen maatregelen"))
    detected_at = models.DateTimeField(_("ontdekt op"))
    reported_on = models.DateField(_("gemeld aan de AP op"), null=True, blank=True)
    not_reported_reason = models.TextField(_("niet gemeld omdat"), blank=True)
    people_told_on = models.DateField(_("betrokkenen geïnformeerd op"), null=True, blank=True)
    people_not_told_reason = models.TextField(_("betrokkenen niet geïnformeerd omdat"), blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("datalek")
        verbose_name_plural = _("datalekken")
        ordering = ("-detected_at", "-id")
        indexes = [models.Index(fields=["closed_at"])]

    def __str__(self) -> str:
        return f"{self.detected_at:%d-%m-%Y} – {self.facts[:50]}"


class Disclosure(models.Model):
    """What was given to which authority (police, tax office, a court), on what legal ground,
    when and by whom, about which customer. Append-only: made through the service, never
    changed or removed by hand (the retention run deletes it five years after it was made)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("klant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_id = models.BigIntegerField(_("klant-id"), db_index=True)
    authority = models.CharField(_("instantie"), max_length=200)
    data_given = models.TextField(_("welke gegevens zijn verstrekt"))
    legal_ground = models.TextField(_("wettelijke grondslag"))
    disclosed_on = models.DateField(_("verstrekt op"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verstrekt door"), on_delete=models.PROTECT, related_name="+"
    )
    notice_banned = models.BooleanField(
        _("verbod op mededeling"),
        default=False,
        help_text=_("De instantie heeft verboden de klant hierover te informeren."),
    )
    notice_banned_until = models.DateField(_("verbod geldt tot en met"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verstrekking aan een instantie")
        verbose_name_plural = _("verstrekkingen aan instanties")
        ordering = ("-disclosed_on", "-id")

    def __str__(self) -> str:
        return f"{self.disclosed_on:%d-%m-%Y} – {self.authority}"
