"""Plans, the customer's link to Mollie, subscriptions, payments and invoices.

Billing records (payments, invoices) keep their ``user`` with ``SET_NULL``: they must
outlive the account for the seven years the law asks, and invoices carry their own
billing snapshot so they never change when a profile does (or is erased).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import euro

VAT_RATE = Decimal("21")
CENT = Decimal("0.01")


def with_vat(amount: Decimal, rate: Decimal = VAT_RATE) -> Decimal:
    return (amount * (Decimal("100") + rate) / Decimal("100")).quantize(CENT, rounding=ROUND_HALF_UP)


def net_from_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The amount without VAT in a gross amount at ``rate`` percent, rounded half up to the
    cent (invoices, credit notes and the next invoice's preview alike)."""
    return (gross * Decimal("100") / (Decimal("100") + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def add_interval(start: date, interval: str) -> date:
    """One plan interval (a month or a year) after ``start``."""
    return start + (relativedelta(years=1) if interval == "year" else relativedelta(months=1))


class Plan(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", _("per maand")
        YEAR = "year", _("per jaar")

    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(_("omschrijving"), blank=True)
    # Staff write the plans in the admin, so their English is a field, not a .po entry (the
    # catalogue holds the code's texts; a plan added tomorrow is not in it).
    description_en = models.TextField(
        _("omschrijving (Engels)"), blank=True, help_text=_("Leeg: Engelstalige klanten lezen de Nederlandse.")
    )
    price = models.DecimalField(_("prijs excl. btw (EUR)"), max_digits=10, decimal_places=2)
    interval = models.CharField(_("termijn"), max_length=8, choices=Interval.choices, default=Interval.MONTH)
    active = models.BooleanField(
        _("actief"), default=True, help_text=_("Alleen actieve abonnementsvormen zijn af te sluiten.")
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnementsvorm")
        verbose_name_plural = _("abonnementsvormen")
        ordering = ["price", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="plan_price_positive")]

    def __str__(self) -> str:
        return f"{self.name} ({euro(self.price)} {self.get_interval_display()})"

    @property
    def localized_description(self) -> str:
        """The description in the active language (English when written, else the Dutch)."""
        from django.utils import translation

        if (translation.get_language() or "").startswith("en") and self.description_en:
            return self.description_en
        return self.description

    @property
    def price_incl_vat(self) -> Decimal:
        return with_vat(self.price)

    @property
    def vat_amount(self) -> Decimal:
        return self.price_incl_vat - self.price

    @property
    def billing_name(self) -> str:
        """How the plan is named on payments, invoices and bank statements: with the
        product's name in front unless the plan's name already carries it."""
        product = settings.PRODUCT_NAME
        return self.name if product.casefold() in self.name.casefold() else f"{product} {self.name}"

    @property
    def mollie_interval(self) -> str:
        return "12 months" if self.interval == self.Interval.YEAR else "1 month"


class MollieCustomer(models.Model):
    """The customer's id at Mollie: created once per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="mollie_customer"
    )
    mollie_id = models.CharField(_("Mollie-klant-id"), max_length=40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mollie-klant")
        verbose_name_plural = _("Mollie-klanten")

    def __str__(self) -> str:
        return self.mollie_id or f"#{self.pk}"


class MollieCustomerDeletion(models.Model):
    """A customer record at Mollie (the name and e-mail address Mollie holds) still to be
    deleted there because the account was erased. Written in the erasure's transaction;
    removed once Mollie confirmed the deletion (then ``mollie.customer_deleted`` in the
    audit trail is the record). Until then every attempt is counted."""

    mollie_id = models.CharField(_("Mollie-klant-id"), max_length=40, unique=True)
    # The erased account's id (no foreign key: the account is gone), for the audit chain.
    subject_id = models.PositiveBigIntegerField(null=True)
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("te verwijderen Mollie-klant")
        verbose_name_plural = _("te verwijderen Mollie-klanten")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return self.mollie_id


class CancelReason(models.TextChoices):
    """The choices for "Waarom zegt u op?" on the cancel confirmation (optional)."""

    TOO_EXPENSIVE = "too_expensive", _("Te duur")
    NOT_USED = "not_used", _("Ik gebruik het te weinig")
    MISSING = "missing", _("Er ontbreekt iets wat ik nodig heb")
    OTHER_PRODUCT = "other_product", _("Ik stap over naar een ander product")
    BUSINESS_STOPS = "business_stops", _("Mijn bedrijf stopt of verandert")
    PROBLEMS = "problems", _("Storingen of problemen met de koppeling")
    OTHER = "other", _("Anders")


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wacht op eerste betaling")
        ACTIVE = "active", _("actief")
        # Past due: an automatic charge failed (or was charged back); see services "dunning".
        SUSPENDED = "suspended", _("betaling achterstallig")
        CANCELED = "canceled", _("beëindigd")
        ENDED = "ended", _("afgelopen")
        FAILED = "failed", _("niet gestart")

    LIVE = (Status.PENDING, Status.ACTIVE, Status.SUSPENDED)
    # Mollie keeps charging (and may retry) while past due: its subscription stays.
    CHARGED = (Status.ACTIVE, Status.SUSPENDED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="subscriptions"
    )
    customer = models.ForeignKey(MollieCustomer, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    amount_net = models.DecimalField(_("bedrag excl. btw"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("btw-tarief (%)"), max_digits=4, decimal_places=1)
    reverse_charge = models.BooleanField(_("btw verlegd"), default=False)
    amount_gross = models.DecimalField(_("bedrag incl. btw"), max_digits=10, decimal_places=2)
    mandate_id = models.CharField(_("Mollie-machtiging"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    current_period_end = models.DateField(_("betaald tot"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("opgezegd per einde termijn"), default=False)
    cancel_requested_at = models.DateTimeField(_("opgezegd op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindiging"), max_length=200, blank=True)
    # Why the customer cancelled (optional, asked on the cancel confirmation): a choice and
    # a text of their own. Kept after an undo (a later cancellation overwrites it).
    cancel_reason = models.CharField(_("reden van opzegging"), max_length=20, choices=CancelReason.choices, blank=True)
    cancel_reason_text = models.CharField(_("toelichting opzegging"), max_length=1000, blank=True)
    # The customer's language when subscribing: mails without a request (dunning) use it.
    language = models.CharField(_("taal"), max_length=8, default="nl")
    # Dunning ("past due", status suspended): set when an automatic charge failed or was
    # charged back, cleared when the arrears are settled.
    dunning_since = models.DateTimeField(_("betaling achterstallig sinds"), null=True, blank=True)
    dunning_payment = models.ForeignKey(
        "Payment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mislukte betaling"),
    )
    dunning_amount = models.DecimalField(_("openstaand bedrag"), max_digits=10, decimal_places=2, null=True, blank=True)
    dunning_reminders = models.PositiveSmallIntegerField(_("herinneringen verstuurd"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")
        ordering = ["-created_at"]
        # The business figures of the staff overview (portal.admin_overview): the billing role's,
        # not support's, who reads single subscriptions (view_subscription) only.
        permissions = [("view_revenue", _("Mag omzet, opzeggingen en betalingsachterstanden in het overzicht zien"))]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["pending", "active", "suspended"]),
                name="subscription_one_live_per_customer",
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(dunning_since__isnull=False, dunning_amount__gt=0),
                name="subscription_past_due_has_arrears",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} #{self.pk} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def paid_through(self):
        """The last day covered by what was paid (the period ends at the start of
        ``current_period_end``, when the next charge is due)."""
        from datetime import timedelta

        return self.current_period_end - timedelta(days=1) if self.current_period_end else None

    @property
    def in_dunning(self) -> bool:
        return self.status == self.Status.SUSPENDED

    def active_remote(self) -> MollieSubscription | None:
        return self.remote_subscriptions.filter(canceled_at__isnull=True).order_by("-id").first()


class MollieSubscription(models.Model):
    """A subscription at Mollie. Resuming after a cancellation creates a new one, so one of
    ours can have several; recurring payments are matched through any of them."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="remote_subscriptions")
    mollie_id = models.CharField(max_length=40, unique=True)
    # The mandate Mollie charges for this subscription; empty: the one ours had when this
    # was created (before this was recorded). Differs from ours after a "pay now" with
    # another method until the PATCH at Mollie is done (subscription_push repairs).
    mandate_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mollie-abonnement")
        verbose_name_plural = _("Mollie-abonnementen")

    def __str__(self) -> str:
        return self.mollie_id


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("nog niet bij Mollie")
        OPEN = "open", _("open")
        PENDING = "pending", _("in behandeling")
        AUTHORIZED = "authorized", _("geautoriseerd")
        PAID = "paid", _("betaald")
        CANCELED = "canceled", _("geannuleerd")
        EXPIRED = "expired", _("verlopen")
        FAILED = "failed", _("mislukt")

    class Sequence(models.TextChoices):
        FIRST = "first", _("eerste betaling")
        RECURRING = "recurring", _("automatische incasso")

    class Purpose(models.TextChoices):
        PERIOD = "period", _("termijn")
        # The pro-rata difference of an upgrade at once (a charge on the mandate).
        PRORATION = "proration", _("verrekening wijziging abonnementsvorm")
        # The first payment that gives a new mandate when the customer changes payment method.
        MANDATE = "mandate", _("controle nieuwe betaalmethode")

    class LateRefund(models.TextChoices):
        """A payment that turned paid after its subscription ended pays for nothing we
        deliver: it is refunded in full (docs/billing.md, "Late payments"), tracked here
        until Mollie reports the refund."""

        NONE = "", _("niet van toepassing")
        DUE = "due", _("terug te betalen")
        ASKED = "asked", _("gevraagd bij Mollie")
        REFUNDED = "refunded", _("terugbetaald")

    OPEN_STATUSES = (Status.CREATED, Status.OPEN, Status.PENDING, Status.AUTHORIZED)
    FINAL_STATUSES = (Status.PAID, Status.CANCELED, Status.EXPIRED, Status.FAILED)
    # A status only moves forward; final statuses never change (a paid payment stays paid).
    RANK = {"created": 0, "open": 1, "pending": 2, "authorized": 3, "paid": 4, "canceled": 4, "expired": 4, "failed": 4}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="payments")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="payments")
    mollie_id = models.CharField(_("Mollie-betaling"), max_length=40, unique=True, null=True, blank=True)
    sequence_type = models.CharField(_("soort"), max_length=10, choices=Sequence.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CREATED)
    amount = models.DecimalField(_("bedrag"), max_digits=10, decimal_places=2)
    amount_refunded = models.DecimalField(_("terugbetaald"), max_digits=10, decimal_places=2, default=Decimal("0"))
    amount_charged_back = models.DecimalField(_("teruggeboekt"), max_digits=10, decimal_places=2, default=Decimal("0"))
    checkout_url = models.URLField(_("betaalpagina"), max_length=500, blank=True)
    charge_date = models.DateField(_("incassodatum"), null=True, blank=True)
    paid_at = models.DateTimeField(_("betaald op"), null=True, blank=True)
    # "Nu betalen" after a failed automatic charge: a first payment (new mandate) that
    # pays the arrears of this failed or charged-back payment.
    arrears_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arrears_payments",
        verbose_name=_("betaalt achterstand van"),
    )
    purpose = models.CharField(_("doel"), max_length=10, choices=Purpose.choices, default=Purpose.PERIOD)
    late_refund = models.CharField(
        _("terugbetaling na einde abonnement"), max_length=10, choices=LateRefund.choices, default="", blank=True
    )
    late_refund_attempts = models.PositiveSmallIntegerField(_("pogingen terugbetaling"), default=0)
    late_refund_asked_at = models.DateTimeField(_("terugbetaling gevraagd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("betaling")
        verbose_name_plural = _("betalingen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(sequence_type="first", status__in=["created", "open", "pending", "authorized"]),
                name="payment_one_open_first_per_subscription",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.mollie_id or '#' + str(self.pk)} {euro(self.amount)} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def idempotency_key(self) -> str:
        return f"first-{self.pk}"


class PlanChange(models.Model):
    """The customer moves to another plan: an upgrade at once (after its pro-rata charge is
    paid) or a change scheduled for the start of the next period (see services.plan_change)."""

    class Kind(models.TextChoices):
        NOW = "now", _("direct (met verrekening)")
        NEXT_PERIOD = "next_period", _("per volgende termijn")

    class Status(models.TextChoices):
        CHARGING = "charging", _("wacht op betaling verrekening")
        SCHEDULED = "scheduled", _("ingepland")
        APPLIED = "applied", _("doorgevoerd")
        FAILED = "failed", _("mislukt")
        CANCELED = "canceled", _("ingetrokken")

    OPEN = (Status.CHARGING, Status.SCHEDULED)

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="plan_changes")
    from_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+", verbose_name=_("van"))
    to_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+", verbose_name=_("naar"))
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    effective_on = models.DateField(_("ingangsdatum"))
    amount_net = models.DecimalField(_("nieuw bedrag excl. btw"), max_digits=10, decimal_places=2)
    amount_gross = models.DecimalField(_("nieuw bedrag incl. btw"), max_digits=10, decimal_places=2)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_change")
    # An upgrade's pro-rata charge pays from ``effective_on`` up to this day (exclusive): the
    # end of the paid period when it was requested (its invoice says so even if paid later).
    charged_until = models.DateField(_("verrekend tot"), null=True, blank=True)
    # When Mollie's subscription was set to the new amount (empty: still to do).
    mollie_updated_at = models.DateTimeField(null=True, blank=True)
    # A scheduled change the customer withdrew, and when Mollie's subscription was set back
    # to the subscription's own amount (and interval) after that (empty: still to do).
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    mollie_restored_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("doorgevoerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("wijziging abonnementsvorm")
        verbose_name_plural = _("wijzigingen abonnementsvorm")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(status__in=["charging", "scheduled"]),
                name="planchange_one_open_per_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_plan.name} → {self.to_plan.name} ({self.get_status_display()})"


class MandateChange(models.Model):
    """The customer's new payment method: the verification payment gave a new mandate;
    Mollie's subscription is moved to it, then the old one is revoked and the verification
    amount refunded (see services.payment_method)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="mandate_changes")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="mandate_change")
    old_mandate_id = models.CharField(max_length=40, blank=True)
    new_mandate_id = models.CharField(max_length=40)
    old_revoked_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wijziging betaalmethode")
        verbose_name_plural = _("wijzigingen betaalmethode")

    def __str__(self) -> str:
        return f"{self.old_mandate_id or '-'} → {self.new_mandate_id}"


class InvoiceSequence(models.Model):
    """The last invoice number handed out per year (locked while numbering: no gaps)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("factuurnummering")
        verbose_name_plural = _("factuurnummering")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class BillingDocument(models.Model):
    """What invoices and credit notes share: the amounts, who it was from and to as it was on
    the day it was issued, and the PDF and the UBL e-invoice as issued (each rendered once from
    the row, then only ever served, see services.document_pdf and services.document_ubl; their
    SHA-256 is also in the audit event that stored them)."""

    amount_net = models.DecimalField(_("bedrag excl. btw"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("btw-tarief (%)"), max_digits=4, decimal_places=1)
    vat_amount = models.DecimalField(_("btw"), max_digits=10, decimal_places=2)
    amount_gross = models.DecimalField(_("totaal"), max_digits=10, decimal_places=2)
    reverse_charge = models.BooleanField(_("btw verlegd"), default=False)
    billing_snapshot = models.JSONField(_("factuurgegevens"))
    seller_snapshot = models.JSONField(_("gegevens leverancier"))
    created_at = models.DateTimeField(auto_now_add=True)
    pdf = models.BinaryField(_("pdf"), null=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 van de pdf"), max_length=64, blank=True, editable=False)
    # The same document as a UBL e-invoice (Peppol BIS Billing 3.0), stored once like the PDF
    # (services.document_ubl; it embeds the stored PDF, so it is made after it).
    ubl = models.BinaryField(_("UBL"), null=True, editable=False)
    ubl_sha256 = models.CharField(_("SHA-256 van het UBL-bestand"), max_length=64, blank=True, editable=False)
    # When the document was mailed to the customer (subscriptions.services.notifications): set in the
    # transaction that sends it, so it goes out once.
    mailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Invoice(BillingDocument):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invoices")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(_("factuurnummer"), max_length=20, unique=True)
    issued_on = models.DateField(_("factuurdatum"))
    description = models.CharField(_("omschrijving"), max_length=200)
    period_start = models.DateField(_("periode van"))
    period_end = models.DateField(_("periode tot"))

    class Meta:
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        ordering = ["-issued_on", "-number"]

    def __str__(self) -> str:
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f"factuur-{self.number}.pdf"

    @property
    def ubl_filename(self) -> str:
        return f"factuur-{self.number}.xml"


class CreditNote(BillingDocument):
    """A correction of an invoice for money Mollie refunded: negative amounts, numbered in
    the invoices' own gapless series, addressed as the invoice was. One per growth of the
    payment's refunded amount (``refunded_before`` → ``refunded_after``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="credit_notes"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("factuur")
    )
    number = models.CharField(_("nummer"), max_length=20, unique=True)
    issued_on = models.DateField(_("datum"))
    description = models.CharField(_("omschrijving"), max_length=200)
    refunded_before = models.DecimalField(_("terugbetaald vóór"), max_digits=10, decimal_places=2)
    refunded_after = models.DecimalField(_("terugbetaald na"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("creditnota")
        verbose_name_plural = _("creditnota's")
        ordering = ["-issued_on", "-number"]
        constraints = [
            # One credit note per refund growth, whatever the webhooks do.
            models.UniqueConstraint(fields=["invoice", "refunded_after"], name="creditnote_one_per_refund_growth"),
            models.CheckConstraint(condition=Q(amount_gross__lt=0), name="creditnote_amount_negative"),
            models.CheckConstraint(
                condition=Q(refunded_after__gt=models.F("refunded_before")), name="creditnote_refund_grows"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f"creditnota-{self.number}.pdf"

    @property
    def ubl_filename(self) -> str:
        return f"creditnota-{self.number}.xml"


__all__ = [
    "CreditNote",
    "Invoice",
    "InvoiceSequence",
    "MandateChange",
    "MollieCustomer",
    "MollieSubscription",
    "Payment",
    "Plan",
    "PlanChange",
    "Subscription",
]
