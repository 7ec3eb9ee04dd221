"""Orders the customer's webshop posts to ``/api/v1/orders/``, and what became of them in
Exact Online.

For these orders we are a processor: the payload holds personal data of our customer's own
customers. It is kept whole until the order is synced plus the register's period, then
stripped to what the order log needs (number, amounts, Exact's ids and the status); see
``webshop/personal_data.py``.

The sync engine (``sync``) owns the meaning of the sync fields (``status`` onwards); the API
owns the rest. Neither writes them outside its services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Ontvangen")
        SYNCED = "synced", _("Gesynchroniseerd")
        FAILED = "failed", _("Mislukt")

    class PaymentStatus(models.TextChoices):
        UNKNOWN = "unknown", _("Onbekend")
        OPEN = "open", _("Openstaand")
        PAID = "paid", _("Betaald")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webshop_orders")
    # What the webshop sent (the API's part).
    number = models.CharField(_("bestelnummer"), max_length=64)
    order_date = models.DateField(_("besteldatum"))
    currency = models.CharField(_("valuta"), max_length=3, default="EUR")
    # The validated order as received (customer, lines, shipping, paid); stripped of personal
    # data at the end of its period (``personal_data_stripped_at`` set).
    payload = models.JSONField(_("bestelling"))
    # SHA-256 of the canonical payload: the same number with other content is a conflict.
    content_hash = models.CharField(max_length=64)
    # The webshop's Idempotency-Key header, if it sent one (unique per customer).
    idempotency_key = models.CharField(max_length=255, blank=True)
    amount_net = models.DecimalField(_("bedrag excl. btw"), max_digits=12, decimal_places=2)
    amount_vat = models.DecimalField(_("btw"), max_digits=12, decimal_places=2)
    amount_gross = models.DecimalField(_("bedrag incl. btw"), max_digits=12, decimal_places=2)
    paid_in_webshop = models.BooleanField(_("betaald in de webshop"), default=False)
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    personal_data_stripped_at = models.DateTimeField(null=True, blank=True)

    # What the sync engine made of it (the engine's part).
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # backoff after a transient failure
    exact_division = models.PositiveIntegerField(null=True, blank=True)
    exact_account_id = models.CharField(max_length=40, blank=True)  # GUID of the relation
    exact_invoice_id = models.CharField(max_length=40, blank=True)  # GUID of the sales invoice
    exact_invoice_number = models.CharField(_("factuurnummer in Exact"), max_length=20, blank=True)
    synced_at = models.DateTimeField(_("gesynchroniseerd op"), null=True, blank=True)
    # The open error while status is FAILED: Exact's own message and our hint (Dutch).
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(_("melding van Exact"), blank=True)
    error_hint = models.CharField(_("wat u kunt doen"), max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    payment_status = models.CharField(
        _("betaalstatus in Exact"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNKNOWN
    )
    payment_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webshopbestelling")
        verbose_name_plural = _("webshopbestellingen")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "number"], name="webshop_order_number_per_user"),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="webshop_order_idempotency_key_per_user",
            ),
        ]
        indexes = [
            # The engine's queue: a customer's orders still to do, oldest first.
            models.Index(fields=["user", "status", "received_at"], name="webshop_order_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.number}"


class ProcessorAgreementAcceptance(models.Model):
    """The customer accepted a version of the verwerkersovereenkomst (the data processing
    agreement for their webshop's orders), recorded like a consent: which version, when,
    from which network (truncated) and browser. Written once, never changed; the webshop
    API takes orders only after one exists (``webshop.selectors.processor_agreement_of``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="processor_agreement_acceptances"
    )
    version = models.CharField(_("versie"), max_length=20)
    accepted_at = models.DateTimeField(_("geaccepteerd op"), default=timezone.now)
    ip_network = models.CharField(_("IP-netwerk (ingekort)"), max_length=50, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("acceptatie verwerkersovereenkomst")
        verbose_name_plural = _("acceptaties verwerkersovereenkomst")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="webshop_agreement_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.version}"
