"""Storage of the VIES sandbox (development and tests only): what the member states'
registers say about a VAT id when it differs from the sandbox's rule, the faults to inject,
and every consultation answered (so a test can count the calls)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SandboxRegistration(models.Model):
    """A VAT id as a member state's register knows it. Without a row, a VAT id whose check
    digits are right is valid under a made-up name; with one, this row decides."""

    vat_id = models.CharField(max_length=20, unique=True)  # country prefix + number, "BE0403170701"
    valid = models.BooleanField(default=True)
    name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)

    class Meta:
        db_table = "vies_sandbox_registration"

    def __str__(self) -> str:
        return f"{self.vat_id} ({'valid' if self.valid else 'invalid'})"


class SandboxFault(models.Model):
    """A fault for the next ``remaining`` checks (of one country, or every one)."""

    class Kind(models.TextChoices):
        MS_UNAVAILABLE = "MS_UNAVAILABLE", "MS_UNAVAILABLE (the member state does not answer)"
        MS_MAX_CONCURRENT_REQ = "MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ (member state busy)"
        GLOBAL_MAX_CONCURRENT_REQ = "GLOBAL_MAX_CONCURRENT_REQ", "GLOBAL_MAX_CONCURRENT_REQ (VIES busy)"
        SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE"
        TIMEOUT = "TIMEOUT", "TIMEOUT (VIES gave up on the member state)"
        HTTP_500 = "http_500", "HTTP 500 (HTML page, not JSON)"
        SLOW = "slow", "Answer late (the client times out first)"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    country = models.CharField(max_length=2, blank=True)  # "" = every country
    remaining = models.PositiveIntegerField(default=1)
    delay_seconds = models.FloatField(default=3.0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "vies_sandbox_fault"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.country or '*'} ×{self.remaining}"


class SandboxConsultation(models.Model):
    """One request the sandbox answered (also the refused ones)."""

    country_code = models.CharField(max_length=2)
    vat_number = models.CharField(max_length=40)
    requester = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=30)  # "valid", "invalid" or the error code
    request_identifier = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "vies_sandbox_consultation"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.country_code}{self.vat_number}: {self.outcome}"
