from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class CookieConsentRecord(models.Model):
    """Our proof of one cookie decision (django-cookie-consent keeps none: its log has no
    user, session or address). Written once by
    ``consent.cookies.services.cookie_choice_record`` and never changed, except that the link to the
    user goes when the account is erased. The IP address is truncated before it is stored."""

    consent_id = models.CharField(_("toestemmings-id"), max_length=24, unique=True)
    decided_at = models.DateTimeField(_("tijdstip"), db_index=True)
    accepted = models.JSONField(_("geaccepteerde groepen"), default=list)
    refused = models.JSONField(_("geweigerde groepen"), default=list)
    statement_version = models.CharField(_("versie privacyverklaring"), max_length=100)
    cookie_revision = models.CharField(_("versie cookiedeel"), max_length=100)
    ip_network = models.CharField(_("IP-netwerk (ingekort)"), max_length=50, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cookie_consent_records",
    )

    class Meta:
        verbose_name = _("cookietoestemming")
        verbose_name_plural = _("cookietoestemmingen")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return self.consent_id


class StatementVersion(models.Model):
    """One version of the privacy statement.

    Staff write the text sections (Dutch and English); the sections about personal data are
    rendered from the retention register and the processors, never typed. Once published, a
    row is frozen: the admin shows it read-only, the service refuses, and on PostgreSQL (and
    SQLite) a trigger refuses any UPDATE or DELETE of a published row."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")

    # The staff-edited sections in the order the statement shows them (field stem, heading).
    SECTIONS = (
        ("intro", _("Inleiding")),
        ("service", _("Portaal, abonnement en account")),
        ("sharing", _("Verstrekking aan andere bedrijven of instellingen")),
        ("advertising", _("Reclame")),
        ("cookies", _("Cookies")),
        ("analytics", _("Google Analytics")),
        ("security", _("Beveiliging")),
        ("changes", _("Wijzigingen in deze privacyverklaring")),
        ("complaint", _("Klacht indienen")),
    )
    # The sections whose change brings the cookie banner back (consent.statement.cookie_revision).
    COOKIE_SECTIONS = ("cookies", "analytics")

    number = models.PositiveIntegerField(_("versie"), unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    effective_date = models.DateField(
        _("geldig vanaf"),
        help_text=_("De datum waarop deze versie ingaat; tot dan blijft de vorige versie gelden."),
    )
    summary_nl = models.TextField(
        _("wat is er veranderd (Nederlands)"),
        blank=True,
        help_text=_("Korte samenvatting voor de aankondiging per e-mail en in het portaal."),
    )
    summary_en = models.TextField(_("wat is er veranderd (Engels)"), blank=True)
    intro_nl = models.TextField(_("inleiding (Nederlands)"))
    intro_en = models.TextField(_("inleiding (Engels)"))
    service_nl = models.TextField(_("portaal, abonnement en account (Nederlands)"))
    service_en = models.TextField(_("portaal, abonnement en account (Engels)"))
    sharing_nl = models.TextField(_("verstrekking aan anderen (Nederlands)"))
    sharing_en = models.TextField(_("verstrekking aan anderen (Engels)"))
    advertising_nl = models.TextField(_("reclame (Nederlands)"))
    advertising_en = models.TextField(_("reclame (Engels)"))
    cookies_nl = models.TextField(_("cookies (Nederlands)"))
    cookies_en = models.TextField(_("cookies (Engels)"))
    analytics_nl = models.TextField(_("Google Analytics (Nederlands)"))
    analytics_en = models.TextField(_("Google Analytics (Engels)"))
    security_nl = models.TextField(_("beveiliging (Nederlands)"))
    security_en = models.TextField(_("beveiliging (Engels)"))
    changes_nl = models.TextField(_("wijzigingen (Nederlands)"))
    changes_en = models.TextField(_("wijzigingen (Engels)"))
    complaint_nl = models.TextField(_("klacht indienen (Nederlands)"))
    complaint_en = models.TextField(_("klacht indienen (Engels)"))
    # The data sections as they were rendered when the version was published (register and
    # processors, per language), so an older version keeps saying what it said. Empty for
    # the seed version (a migration cannot run the register's code).
    data_snapshot = models.JSONField(_("gegevensparagrafen bij publicatie"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    # Who published it is in the audit trail (consent.statement_published), not here: a
    # foreign key to the staff member would have to change when that account is erased.
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("versie van de privacyverklaring")
        verbose_name_plural = _("versies van de privacyverklaring")
        ordering = ("-number",)
        indexes = [
            models.Index(
                fields=["-effective_date", "-number"],
                condition=models.Q(status="published"),
                name="statement_published_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="statement_published_has_time",
            )
        ]

    def __str__(self) -> str:
        return str(_("Versie %(number)s") % {"number": self.number})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def text(self, stem: str, language: str) -> str:
        """A section's text in ``language`` (Dutch when the English one is empty)."""
        suffix = "en" if language.startswith("en") else "nl"
        return getattr(self, f"{stem}_{suffix}") or getattr(self, f"{stem}_nl")


class Processor(models.Model):
    """A recipient or processor of personal data, listed in the statement. The retention
    register names them by ``key`` (``Category.recipients``)."""

    key = models.SlugField(
        _("sleutel"),
        max_length=40,
        unique=True,
        help_text=_("Vaste naam waarmee het register naar deze partij verwijst, bijv. mollie."),
    )
    name = models.CharField(_("naam"), max_length=150)
    purpose_nl = models.CharField(_("doel (Nederlands)"), max_length=300)
    purpose_en = models.CharField(_("doel (Engels)"), max_length=300)
    country = CountryField(_("land"))
    outside_eu = models.BooleanField(_("buiten de EU"), default=False)
    transfer_basis_nl = models.CharField(
        _("doorgiftegrondslag (Nederlands)"),
        max_length=300,
        blank=True,
        help_text=_("Verplicht buiten de EU, bijv. het EU-VS Data Privacy Framework of modelcontractbepalingen."),
    )
    transfer_basis_en = models.CharField(_("doorgiftegrondslag (Engels)"), max_length=300, blank=True)
    agreement_date = models.DateField(_("verwerkersovereenkomst gesloten op"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=100)

    class Meta:
        verbose_name = _("ontvanger of verwerker")
        verbose_name_plural = _("ontvangers en verwerkers")
        ordering = ("order", "name")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outside_eu=False) | ~models.Q(transfer_basis_nl=""),
                name="processor_outside_eu_has_basis",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.outside_eu and not self.transfer_basis_nl.strip():
            raise ValidationError(
                {"transfer_basis_nl": _("Geef de grondslag voor doorgifte buiten de EU op.")}, code="required"
            )

    def purpose(self, language: str) -> str:
        return self.purpose_en if language.startswith("en") and self.purpose_en else self.purpose_nl

    def transfer_basis(self, language: str) -> str:
        if language.startswith("en") and self.transfer_basis_en:
            return self.transfer_basis_en
        return self.transfer_basis_nl


class StatementAnnouncement(models.Model):
    """The announcement mail of a version went to this customer (one row per customer and
    version: a re-run of the batch sends nothing twice)."""

    version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="announcements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("verstuurd op"))

    class Meta:
        verbose_name = _("aankondiging van de privacyverklaring")
        verbose_name_plural = _("aankondigingen van de privacyverklaring")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="statement_announced_once")]

    def __str__(self) -> str:
        return f"{self.version} → {self.user_id}"


class StatementReading(models.Model):
    """The customer opened this version (the portal's notice about it disappears)."""

    version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="readings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("geopend op"))

    class Meta:
        verbose_name = _("gelezen privacyverklaring")
        verbose_name_plural = _("gelezen privacyverklaringen")
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="statement_read_once")]

    def __str__(self) -> str:
        return f"{self.version} ← {self.user_id}"


# --- end statement -----------------------------------------------------------------------


class MarketingPreference(models.Model):
    """A customer's choice about marketing mail. No row means: never chose, so the soft
    opt-in applies (mail unless the customer objects)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketing_preference")
    objected = models.BooleanField(_("bezwaar tegen reclame per e-mail"), default=False)
    # The language the customer used when choosing: marketing mail is written in it.
    language = models.CharField(_("taal"), max_length=8, default="nl")
    changed_at = models.DateTimeField(_("gewijzigd op"))

    class Meta:
        verbose_name = _("voorkeur voor reclame per e-mail")
        verbose_name_plural = _("voorkeuren voor reclame per e-mail")
        indexes = [models.Index(fields=["user"], condition=Q(objected=True), name="marketing_objected_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({_('bezwaar') if self.objected else _('geen bezwaar')})"


class Mailing(models.Model):
    """One marketing mail to every customer who may receive it, written in Dutch and
    English. Sent in batches by a Celery task; one MailingRecipient row per customer."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")

    subject_nl = models.CharField(_("onderwerp (Nederlands)"), max_length=200)
    body_nl = models.TextField(_("tekst (Nederlands)"), max_length=20000)
    subject_en = models.CharField(_("onderwerp (Engels)"), max_length=200, blank=True)
    body_en = models.TextField(_("tekst (Engels)"), max_length=20000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    send_requested_at = models.DateTimeField(_("verzending gestart op"), null=True, blank=True)
    send_requested_by = models.CharField(_("verzending gestart door"), max_length=150, blank=True)
    last_batch_at = models.DateTimeField(_("laatste batch op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    # Kept when the recipient rows are removed at the end of their period.
    recipient_count = models.PositiveIntegerField(_("ontvangers"), default=0)
    sent_count = models.PositiveIntegerField(_("verstuurd"), default=0)
    skipped_count = models.PositiveIntegerField(_("overgeslagen"), default=0)
    failed_count = models.PositiveIntegerField(_("mislukt"), default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="marketing_mailing_status_idx")]

    def __str__(self) -> str:
        return self.subject_nl

    def subject_for(self, language: str) -> str:
        return self.subject_en if language == "en" and self.subject_en and self.body_en else self.subject_nl

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" and self.subject_en and self.body_en else self.body_nl


class MailingRecipient(models.Model):
    """One customer of one mailing. The unique (mailing, user) pair is what makes sending
    idempotent: a row is claimed (``sending``) and committed before its mail leaves and is
    marked ``sent`` right after, so a re-run never sends a row twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        SKIPPED = "skipped", _("overgeslagen (bezwaar of account niet meer actief)")
        FAILED = "failed", _("mislukt")
        UNKNOWN = "unknown", _("onbekend (verzending onderbroken)")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("taal"), max_length=8, default="nl")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(_("klaargezet op"))
    claimed_at = models.DateTimeField(_("opgepakt op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    email = models.EmailField(_("verstuurd naar"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ontvanger van een mailing")
        verbose_name_plural = _("ontvangers van mailings")
        constraints = [models.UniqueConstraint(fields=["mailing", "user"], name="marketing_one_mail_per_customer")]
        indexes = [
            models.Index(fields=["mailing", "status"], name="marketing_recipient_status_idx"),
            models.Index(fields=["queued_at"], name="marketing_recipient_queued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing} → {self.user}"
