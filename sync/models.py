"""The sync engine's own records: the runs (one per division at a time), the schedule of
each customer's koppeling, and the articles already found or made in Exact.

What became of each order (synced, failed with Exact's message and our hint, the invoice's
number, the payment status) lives on the order itself (``webshop.models.Order``, the fields
from ``status`` onwards). Runs are operational records, not audit events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webshop.models import Order


class SyncRun(models.Model):
    class Trigger(models.TextChoices):
        BEAT = "beat", _("Automatisch")
        MANUAL = "manual", _("Nu synchroniseren")
        RETRY = "retry", _("Opnieuw proberen")
        COMMAND = "command", _("Beheerder")

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Bezig")
        OK = "ok", _("Geslaagd")
        ERRORS = "errors", _("Met fouten")
        PAUSED = "paused", _("Onderbroken (limiet van Exact)")
        FAILED = "failed", _("Mislukt")
        INTERRUPTED = "interrupted", _("Afgebroken")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_runs")
    division = models.PositiveIntegerField(_("administratie"), null=True, blank=True)
    trigger = models.CharField(_("aanleiding"), max_length=10, choices=Trigger.choices, default=Trigger.BEAT)
    started_at = models.DateTimeField(_("gestart"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    duration = models.DurationField(_("duur"), null=True, blank=True)
    synced = models.PositiveIntegerField(_("gesynchroniseerd"), default=0)
    failed = models.PositiveIntegerField(_("mislukt"), default=0)
    skipped = models.PositiveIntegerField(_("overgeslagen"), default=0)
    outcome = models.CharField(_("resultaat"), max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    # Why the run stopped early or failed (Dutch, for the customer; no personal data).
    message = models.CharField(_("toelichting"), max_length=300, blank=True)
    calls = models.PositiveIntegerField(_("aanroepen van Exact"), default=0)

    class Meta:
        verbose_name = _("synchronisatie")
        verbose_name_plural = _("synchronisaties")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-started_at"], name="sync_run_user_recent"),
            # The staff overview's runs per day of all customers (sync.selectors.runs_per_day).
            models.Index(fields=["started_at"], name="sync_run_started"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class SyncState(models.Model):
    """When the customer's koppeling runs next, and what the digest mail last covered."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_state")
    next_run_at = models.DateTimeField(null=True, blank=True)  # due from then (None: due now)
    queued_at = models.DateTimeField(null=True, blank=True)  # a run was queued and has not started
    last_run_at = models.DateTimeField(null=True, blank=True)
    backlog = models.BooleanField(default=False)  # the last run left work for the next tick
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("synchronisatieplanning")
        verbose_name_plural = _("synchronisatieplanningen")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.next_run_at}"


class SyncedArticle(models.Model):
    """An article (``logistics/Items``) found or created in Exact for a webshop SKU, so the
    next order with that SKU costs no call. Holds no personal data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    division = models.PositiveIntegerField()
    code = models.CharField(max_length=60)
    exact_id = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "division", "code"], name="sync_article_code_per_division")
        ]

    def __str__(self) -> str:
        return f"{self.division}/{self.code}"


class SyncError(Order):
    """The failed orders (status "mislukt"). Not in the admin itself: the Order's fields are
    the webshop app's; staff see a customer's errors on a run's page (``sync.admin``)."""

    class Meta:
        proxy = True
        verbose_name = _("synchronisatiefout")
        verbose_name_plural = _("synchronisatiefouten")
