from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VatCheck(models.Model):
    """One check of a VAT id against the EU's VIES service, kept as proof.

    It starts ``unchecked`` when the VAT id is saved and gets VIES's answer once (valid or
    invalid, with the name, address and consultation number VIES gave): after that the row
    never changes. While VIES cannot answer (a member state's register down, VIES busy, a
    timeout) it stays ``unchecked`` with the reason and the next attempt; a later check of
    the same VAT id is a new row."""

    class Result(models.TextChoices):
        VALID = "valid", _("geldig")
        INVALID = "invalid", _("ongeldig")
        UNCHECKED = "unchecked", _("niet gecontroleerd")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="vat_checks")
    vat_id = models.CharField(_("btw-identificatienummer"), max_length=20)
    result = models.CharField(_("uitkomst"), max_length=10, choices=Result.choices, default=Result.UNCHECKED)
    # While unchecked: VIES's error code (MS_UNAVAILABLE, …), "timeout" or "unreachable".
    reason = models.CharField(_("reden"), max_length=40, blank=True)
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    checked_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    name = models.CharField(_("naam volgens VIES"), max_length=300, blank=True)
    address = models.TextField(_("adres volgens VIES"), blank=True)
    consultation_number = models.CharField(_("raadplegingsnummer"), max_length=40, blank=True)
    requester = models.CharField(_("aanvrager"), max_length=20, blank=True)  # our own VAT id at the time
    response = models.JSONField(_("antwoord van VIES"), null=True, blank=True)  # as VIES sent it
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)

    class Meta:
        verbose_name = _("btw-controle")
        verbose_name_plural = _("btw-controles")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["user", "vat_id", "-requested_at"], name="vatcheck_user_vat_latest"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(result="unchecked", next_attempt_at__isnull=False),
                name="vatcheck_retry_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vat_id}: {self.get_result_display()}"
