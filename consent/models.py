from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- marketing ---
# Marketing mail on the soft opt-in: customers receive offers unless they object (at
# signup, on the E-mailvoorkeuren page or with the unsubscribe link in every mail). See
# docs/consent.md, "Marketing mail".


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
