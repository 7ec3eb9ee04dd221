from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("bezig")
    SUCCEEDED = "succeeded", _("geslaagd")
    FAILED = "failed", _("mislukt")


class RetentionRun(models.Model):
    """One enforcement run (beat or ``manage.py retention enforce``). A run that crashed
    stays "bezig" with no end time; the next run finishes its work."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(_("gestart"), db_index=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("aanleiding"), max_length=32, blank=True)
    policy = models.CharField(_("alleen categorie"), max_length=64, blank=True)
    error = models.CharField(_("fout"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("handhavingsronde")
        verbose_name_plural = _("handhavingsrondes")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class DisposalRecord(models.Model):
    """What one run removed for one category: counts and the window, never the content."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records", verbose_name=_("ronde"))
    policy = models.CharField(_("categorie"), max_length=64)
    end_action = models.CharField(_("actie"), max_length=16)
    cutoff = models.DateTimeField(
        _("grens"), null=True, blank=True, help_text=_("Alles met een begin op of voor dit tijdstip was verlopen.")
    )
    disposed = models.PositiveBigIntegerField(_("aantal"), default=0)
    held = models.PositiveBigIntegerField(_("vastgehouden"), default=0)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    rows = models.JSONField(_("rijen per tabel"), default=dict, blank=True)
    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)

    class Meta:
        verbose_name = _("verwijderverslag")
        verbose_name_plural = _("verwijderverslagen")
        ordering = ["-started_at", "policy"]
        constraints = [
            models.UniqueConstraint(fields=["run", "policy"], name="retention_record_one_per_policy_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.disposed}"


class Heartbeat(models.Model):
    """One row per job. ``installed_at`` is when the job first became expected, so a fresh
    install is not reported as having missed runs it was never due to make."""

    name = models.CharField(_("taak"), max_length=64, primary_key=True)
    installed_at = models.DateTimeField(_("geïnstalleerd"))
    last_started_at = models.DateTimeField(_("laatst gestart"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("laatst geslaagd"), null=True, blank=True)
    last_run = models.ForeignKey(
        RetentionRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laatste ronde"),
    )

    class Meta:
        verbose_name = _("hartslag")
        verbose_name_plural = _("hartslagen")

    def __str__(self) -> str:
        return self.name


class LegalHoldQuerySet(models.QuerySet):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)

    def held_user_ids(self) -> models.QuerySet:
        return self.active().values("subject_id")


class LegalHold(models.Model):
    """Stops every disposal for one customer (e.g. a fraud report to the police) until it
    is released. ``subject_id`` is kept without a foreign key so the record of a hold
    outlives the account it was about."""

    subject_id = models.BigIntegerField(_("klant-id"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klant"),
    )
    reason = models.CharField(_("reden"), max_length=500)
    created_at = models.DateTimeField(_("ingesteld op"))
    created_by = models.CharField(_("ingesteld door"), max_length=200)
    released_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    released_by = models.CharField(_("opgeheven door"), max_length=200, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("bewaarplicht (legal hold)")
        verbose_name_plural = _("bewaarplichten (legal holds)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} klant {self.subject_id}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("in de wachtrij")
    RUNNING = "running", _("wordt gemaakt")
    READY = "ready", _("klaar")
    FAILED = "failed", _("mislukt")


class DataExport(models.Model):
    """A customer's "Download mijn gegevens" request and the ZIP it produced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("klant")
    )
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    requested_at = models.DateTimeField(_("aangevraagd op"), db_index=True)
    ready_at = models.DateTimeField(_("klaar op"), null=True, blank=True, db_index=True)
    file_name = models.CharField(_("bestand"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("grootte"), default=0)

    class Meta:
        verbose_name = _("gegevensexport")
        verbose_name_plural = _("gegevensexports")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d %H:%M}"
