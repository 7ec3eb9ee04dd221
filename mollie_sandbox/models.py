"""Storage of the Mollie sandbox (development and tests only).

The sandbox keeps each Mollie object as the JSON Mollie would return (without ``_links``,
which depend on the host asking), so what the client reads is what was stored.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SandboxObject(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer"
        PAYMENT = "payment"
        MANDATE = "mandate"
        SUBSCRIPTION = "subscription"
        REFUND = "refund"
        CHARGEBACK = "chargeback"

    id = models.CharField(primary_key=True, max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    parent_id = models.CharField(max_length=40, blank=True, db_index=True)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mollie_sandbox_object"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.id


class SandboxIdempotencyKey(models.Model):
    """A stored answer for one ``Idempotency-Key`` (per API key), replayed for an hour."""

    api_key = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    done = models.BooleanField(default=False)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mollie_sandbox_idempotency"
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="mollie_sandbox_idempotency_unique")]

    def __str__(self) -> str:
        return self.key


class SandboxFault(models.Model):
    """A fault to inject into the next ``remaining`` matching calls or webhook deliveries."""

    class Kind(models.TextChoices):
        HTTP_500 = "http_500", "HTTP 500 (JSON error)"
        HTTP_502_HTML = "http_502_html", "HTTP 502 (HTML page, not JSON)"
        HTTP_503 = "http_503", "HTTP 503"
        HTTP_429 = "http_429", "HTTP 429 (rate limit)"
        TIMEOUT_BEFORE = "timeout_before", "Timeout before handling (nothing happens)"
        TIMEOUT_AFTER = "timeout_after", "Timeout after handling (the call did run)"
        WEBHOOK_DROP = "webhook_drop", "Webhooks dropped"
        WEBHOOK_DUPLICATE = "webhook_duplicate", "Webhooks delivered twice"
        WEBHOOK_HOLD = "webhook_hold", "Webhooks held back (release later, out of order)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "POST payments", "GET payments", "POST customers/*/subscriptions", or "*" for every call.
    target = models.CharField(max_length=100, default="*")
    remaining = models.PositiveIntegerField(default=1)
    delay_seconds = models.FloatField(default=3.0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mollie_sandbox_fault"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} ×{self.remaining}"


class SandboxWebhook(models.Model):
    """One webhook call (and its retries) the sandbox owes the portal."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        DELIVERED = "delivered"
        RETRYING = "retrying"
        GAVE_UP = "gave_up"
        DROPPED = "dropped"
        HELD = "held"

    object_id = models.CharField(max_length=40, db_index=True)
    url = models.URLField(max_length=500)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_status = models.PositiveSmallIntegerField(null=True)
    next_attempt_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "mollie_sandbox_webhook"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.object_id} → {self.url} ({self.status})"
