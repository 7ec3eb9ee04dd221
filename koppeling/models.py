"""The koppeling of one customer: the Exact Online connection, its settings and the
webshop's API keys.

Tokens are stored only encrypted (``koppeling.crypto``); API keys only as a SHA-256 hash
with a short prefix to recognise them by. Neither is ever shown after the moment it is
made, nor exported, audited or listed in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppeling import crypto


class Flow(models.TextChoices):
    ORDERS = "orders", _("Bestellingen → verkoopfacturen")
    CUSTOMERS = "customers", _("Klanten → relaties")
    ITEMS = "items", _("Producten → artikelen")
    PAYMENT_STATUS = "payment_status", _("Betaalstatus → webshop")


class Connection(models.Model):
    """The customer's link with one Exact Online administration (division)."""

    class State(models.TextChoices):
        CHOOSING = "choosing", _("Administratie kiezen")
        CONNECTED = "connected", _("Verbonden")
        NEEDS_RECONNECT = "needs_reconnect", _("Opnieuw verbinden nodig")
        DISCONNECTED = "disconnected", _("Niet verbonden")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exact_connection")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DISCONNECTED)
    exact_user_id = models.CharField(max_length=64, blank=True)
    exact_user_name = models.CharField(max_length=200, blank=True)
    division = models.PositiveIntegerField(null=True, blank=True)
    division_name = models.CharField(max_length=200, blank=True)
    # The administrations Exact offered at the last connect: [{"code": int, "name": str}].
    divisions = models.JSONField(default=list, blank=True)
    # Ciphertext only (Fernet); empty when not connected.
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    reconnect_needed_at = models.DateTimeField(null=True, blank=True)
    reconnect_mailed_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    # Lists read from Exact for the settings (journals, VAT codes, GL accounts), cached here.
    options = models.JSONField(default=dict, blank=True)
    options_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Exact Online-verbinding")
        verbose_name_plural = _("Exact Online-verbindingen")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.state} {self.division or ''}".strip()

    @property
    def has_tokens(self) -> bool:
        return bool(self.refresh_token_encrypted)

    def store_tokens(self, *, access_token: str, refresh_token: str, expires_at) -> None:
        self.access_token_encrypted = crypto.encrypt(access_token)
        self.refresh_token_encrypted = crypto.encrypt(refresh_token)
        self.access_expires_at = expires_at

    def forget_tokens(self) -> None:
        self.access_token_encrypted = ""
        self.refresh_token_encrypted = ""
        self.access_expires_at = None

    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted)

    def option_codes(self, kind: str) -> set[str]:
        return {str(row["code"]) for row in (self.options or {}).get(kind, [])}


class KoppelingSettings(models.Model):
    """What the koppeling does for the customer; changed only through the settings service."""

    AUDITED_FIELDS = (
        "flows",
        "sales_journal",
        "vat_code_high",
        "vat_code_low",
        "vat_code_zero",
        "sync_interval_minutes",
        "start_date",
        "error_email",
    )
    INTERVAL_MIN, INTERVAL_MAX = 15, 1440

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="koppeling_settings")
    flows = models.JSONField(_("wat de koppeling doet"), default=list, blank=True)  # Flow values
    sales_journal = models.CharField(_("verkoopdagboek"), max_length=20, blank=True)
    vat_code_high = models.CharField(_("btw-code voor 21%"), max_length=20, blank=True)
    vat_code_low = models.CharField(_("btw-code voor 9%"), max_length=20, blank=True)
    vat_code_zero = models.CharField(_("btw-code voor 0% en vrijgesteld"), max_length=20, blank=True)
    sync_interval_minutes = models.PositiveIntegerField(
        _("synchroniseren elke (minuten)"),
        default=60,
        validators=[MinValueValidator(INTERVAL_MIN), MaxValueValidator(INTERVAL_MAX)],
    )
    start_date = models.DateField(_("vanaf datum"), null=True, blank=True)
    error_email = models.EmailField(_("e-mailadres voor foutmeldingen"), blank=True)
    paused = models.BooleanField(_("gepauzeerd"), default=False)
    paused_at = models.DateTimeField(_("gepauzeerd op"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Koppelingsinstellingen")
        verbose_name_plural = _("Koppelingsinstellingen")

    def __str__(self) -> str:
        return f"{self.user_id}"

    def snapshot(self) -> dict:
        values = {field: getattr(self, field) for field in self.AUDITED_FIELDS}
        values["flows"] = sorted(values["flows"] or [])
        values["start_date"] = self.start_date.isoformat() if self.start_date else None
        return values


class ApiKey(models.Model):
    """A key the customer's webshop uses to reach the koppeling. Only its hash is kept."""

    MAX_LIVE = 10

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="koppeling_apikey_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
