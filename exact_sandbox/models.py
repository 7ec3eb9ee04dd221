"""Storage of the Exact Online sandbox (development and tests only; this app is never
installed in production, so these tables never exist there)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class SandboxCode(models.Model):
    """An authorization code handed to the redirect URI; single use, a few minutes valid."""

    code = models.CharField(max_length=64, unique=True)
    user_key = models.CharField(max_length=40)
    client_id = models.CharField(max_length=100)
    redirect_uri = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code[:8]


class SandboxToken(models.Model):
    """An access token (10 minutes) or a refresh token (30 days, single use). The two tokens
    of one token answer share ``pair``: Exact refuses a refresh while the access token it
    came with is still far from expiry."""

    class Kind(models.TextChoices):
        ACCESS = "access"
        REFRESH = "refresh"

    token = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pair = models.CharField(max_length=40, blank=True, db_index=True)
    user_key = models.CharField(max_length=40)
    client_id = models.CharField(max_length=100)
    grant_type = models.CharField(max_length=30)  # how the pair was obtained
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)  # refresh tokens: spent
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]}…"


class SandboxFault(models.Model):
    """A fault injected into the next ``remaining`` matching calls: on one endpoint
    (``crm/Accounts``, ``salesinvoice/SalesInvoices``, …; empty = every endpoint) and one
    method (empty = any)."""

    class Kind(models.TextChoices):
        SERVER_ERROR = "server_error", "API: 503, nothing stored"
        TIMEOUT = "timeout", "API: answer only after a delay (a create is stored after it)"
        RATE_LIMIT = "rate_limit", "API: 429 with Retry-After"
        VALIDATION_ERROR = "validation_error", "API: 400 with Exact's error message, nothing stored"
        ERROR_BLOCK = "error_block", "API: the endpoint blocked as after too many errors"
        COMMIT_THEN_TIMEOUT = "commit_then_timeout", "POST: stored, then the answer delayed"
        COMMIT_THEN_DROP = "commit_then_drop", "POST: stored, then the connection dropped"
        COMMIT_THEN_SERVER_ERROR = "commit_then_server_error", "POST: stored, then a 500"
        TOKEN_SERVER_ERROR = "token_server_error", "Token endpoint: 503"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    endpoint = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=6, blank=True)
    remaining = models.PositiveIntegerField(default=1)
    seconds = models.FloatField(default=1)  # delay for timeouts, Retry-After for 429, block length
    message = models.CharField(max_length=300, blank=True)  # validation errors
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.method} {self.endpoint or '*'} ×{self.remaining}".replace("  ", " ")


class SandboxSettings(models.Model):
    """The limits the sandbox enforces (one row). The window lengths compress the clock: a
    benchmark can make Exact's "minute" last 6 seconds and its "day" 10 minutes."""

    limits_on = models.BooleanField(default=True)  # off: no X-RateLimit headers and no 429
    minute_limit = models.PositiveIntegerField(default=60)
    day_limit = models.PositiveIntegerField(default=5000)
    minute_seconds = models.FloatField(default=60)
    day_seconds = models.FloatField(default=86400)
    error_limit = models.PositiveIntegerField(default=10)  # errors per endpoint per window …
    error_window_seconds = models.FloatField(default=3600)
    block_seconds = models.FloatField(default=3600)  # … beyond which the endpoint is blocked this long
    refresh_rule_on = models.BooleanField(default=True)  # refuse a refresh while the access token is fresh

    class Meta:
        verbose_name_plural = "sandbox settings"

    def __str__(self) -> str:
        return f"{self.minute_limit}/{self.minute_seconds:g}s, {self.day_limit}/{self.day_seconds:g}s"


class SandboxAccount(models.Model):
    """A relation (``crm/Accounts``) in one administration."""

    guid = models.UUIDField(unique=True, default=uuid.uuid4)
    division = models.PositiveIntegerField()
    code = models.CharField(max_length=18)  # Exact's form: digits, right-aligned in 18 characters
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=1, blank=True)  # C = customer
    vat_number = models.CharField(max_length=50, blank=True)
    address_line1 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["division", "code"], name="exact_sandbox_account_code")]

    def __str__(self) -> str:
        return f"{self.division} {self.code.strip()} {self.name}"


class SandboxItem(models.Model):
    """An article (``logistics/Items``) in one administration."""

    guid = models.UUIDField(unique=True, default=uuid.uuid4)
    division = models.PositiveIntegerField()
    code = models.CharField(max_length=30)
    description = models.CharField(max_length=60)
    is_sales_item = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["division", "code"], name="exact_sandbox_item_code")]

    def __str__(self) -> str:
        return f"{self.division} {self.code}"


class SandboxInvoice(models.Model):
    """A sales invoice (``salesinvoice/SalesInvoices``). Exact gives a new invoice status 20
    (open); printing processes it (50), and only a processed invoice is a receivable."""

    OPEN = 20
    PROCESSED = 50

    guid = models.UUIDField(unique=True, default=uuid.uuid4)
    receivable_guid = models.UUIDField(unique=True, default=uuid.uuid4)
    division = models.PositiveIntegerField()
    journal = models.CharField(max_length=20)
    invoice_number = models.PositiveIntegerField()
    ordered_by = models.ForeignKey(SandboxAccount, on_delete=models.PROTECT, related_name="invoices")
    your_ref = models.CharField(max_length=100, blank=True, db_index=True)
    description = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    invoice_date = models.DateTimeField()
    status = models.PositiveSmallIntegerField(default=OPEN)
    amount_excl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division", "journal", "invoice_number"], name="exact_sandbox_invoice_no")
        ]

    def __str__(self) -> str:
        return f"{self.division}/{self.journal}/{self.invoice_number} {self.your_ref}"

    @property
    def amount(self):
        return self.amount_excl_vat + self.vat_amount


class SandboxInvoiceLine(models.Model):
    guid = models.UUIDField(unique=True, default=uuid.uuid4)
    invoice = models.ForeignKey(SandboxInvoice, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    item = models.ForeignKey(SandboxItem, on_delete=models.PROTECT)
    description = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    net_price = models.DecimalField(max_digits=14, decimal_places=4)
    vat_code = models.CharField(max_length=3)
    vat_percentage = models.DecimalField(max_digits=6, decimal_places=4)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["line_number"]

    def __str__(self) -> str:
        return f"{self.invoice_id}:{self.line_number}"
