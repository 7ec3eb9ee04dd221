from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class User(AbstractUser):
    """A customer or a staff member. A closed account keeps its row (inactive) until the
    retention period after ``closed_at`` has passed."""

    closed_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    closed_reason = models.CharField(_("reden van opheffen"), max_length=500, blank=True)
    # SHA-256 of the nonce of a staff member's one open MFA invitation (accounts.mfa_invitation),
    # emptied when it is used. In the database, not a cache: the link is made in one process
    # (the admin, or ``manage.py mfa_invite``) and opened in another. The database default lets
    # a node still running the previous release (and raw inserts) add users during a rollout.
    mfa_invitation_digest = models.CharField(max_length=64, blank=True, editable=False, db_default="")

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Profile(models.Model):
    """Name, address and company details the customer keeps up to date himself."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("naam"), max_length=150, blank=True)
    street = models.CharField(_("straat en huisnummer"), max_length=150, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    country = CountryField(_("land"), default="NL")
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True, help_text=_("Opgeslagen als E.164"))
    company_name = models.CharField(_("bedrijfsnaam"), max_length=150, blank=True)
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, blank=True)
    vat_id = models.CharField(_("btw-identificatienummer"), max_length=20, blank=True)
    billing_same_as_address = models.BooleanField(_("factuuradres gelijk aan adres"), default=True)
    billing_name = models.CharField(_("naam op factuur"), max_length=150, blank=True)
    billing_street = models.CharField(_("straat en huisnummer (factuur)"), max_length=150, blank=True)
    billing_postal_code = models.CharField(_("postcode (factuur)"), max_length=16, blank=True)
    billing_city = models.CharField(_("plaats (factuur)"), max_length=100, blank=True)
    billing_country = CountryField(_("land (factuur)"), default="NL")
    # Billing mail (invoices, credit notes, dunning, cancellation) goes to this address once
    # its holder confirmed it (``billing_email_verified`` holds the address that was
    # confirmed); until then, and for all security mail, the account's own address.
    billing_email = models.EmailField(
        _("e-mailadres voor facturen"),
        blank=True,
        help_text=_("Niet verplicht. Facturen en andere mail over betalingen gaan dan naar dit adres."),
    )
    billing_email_verified = models.EmailField(_("bevestigd e-mailadres voor facturen"), blank=True, editable=False)
    # Copied into the snapshot of every invoice issued after it is set: printed on the PDF and
    # the e-invoice's buyer reference. At most 35 characters, the length of an order reference
    # in EDI (UN/EDIFACT an..35), so a bookkeeping package keeps it whole.
    invoice_reference = models.CharField(
        _("uw referentie / PO-nummer"),
        max_length=35,
        blank=True,
        help_text=_("Niet verplicht. Staat op elke factuur die u hierna van ons krijgt."),
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()

    AUDITED_FIELDS = (
        "full_name",
        "street",
        "postal_code",
        "city",
        "country",
        "phone",
        "company_name",
        "kvk_number",
        "vat_id",
        "billing_same_as_address",
        "billing_name",
        "billing_street",
        "billing_postal_code",
        "billing_city",
        "billing_country",
        "billing_email",
        "invoice_reference",
    )

    def snapshot(self) -> dict[str, object]:
        return {
            field: str(getattr(self, field)) if field.endswith("country") else getattr(self, field)
            for field in self.AUDITED_FIELDS
        }

    def billing_address(self) -> dict[str, str]:
        """The address invoices go to: the separate billing address, or the main one."""
        if self.billing_same_as_address:
            return {
                "name": self.company_name or self.full_name,
                "street": self.street,
                "postal_code": self.postal_code,
                "city": self.city,
                "country": str(self.country),
            }
        return {
            "name": self.billing_name,
            "street": self.billing_street,
            "postal_code": self.billing_postal_code,
            "city": self.billing_city,
            "country": str(self.billing_country),
        }

    @property
    def billing_email_confirmed(self) -> bool:
        """The billing address is set and its holder confirmed it (a changed address must
        be confirmed again)."""
        return bool(self.billing_email) and self.billing_email.casefold() == self.billing_email_verified.casefold()


class StaffNote(models.Model):
    """An internal note a staff member wrote about a customer (back office). Kept with the
    account (erased with it, see accounts.personal_data), part of the customer's own export;
    the text is never in the audit trail, only that a note was added."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notes", verbose_name=_("klant")
    )
    text = models.TextField(_("notitie"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("medewerker"),
    )
    author_label = models.CharField(_("door"), max_length=150)  # kept when the staff account goes
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)

    class Meta:
        verbose_name = _("interne notitie")
        verbose_name_plural = _("interne notities")
        indexes = [models.Index(fields=["user", "-created_at"], name="staffnote_user_newest")]

    def __str__(self) -> str:
        return f"{self.author_label} {self.created_at:%Y-%m-%d %H:%M}"
