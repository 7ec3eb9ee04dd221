from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- cookie consent ---


class CookieConsentRecord(models.Model):
    """Our proof of one cookie decision (django-cookie-consent keeps none: its log has no
    user, session or address). Written once by
    ``consent.services.cookie_choice_record`` and never changed, except that the link to the
    user goes when the account is erased. The IP address is truncated before it is stored."""

    consent_id = models.CharField(_("toestemmings-id"), max_length=24, unique=True)
    decided_at = models.DateTimeField(_("tijdstip"), db_index=True)
    accepted = models.JSONField(_("geaccepteerde groepen"), default=list)
    refused = models.JSONField(_("geweigerde groepen"), default=list)
    statement_version = models.CharField(_("versie privacyverklaring"), max_length=100)
    cookie_revision = models.CharField(_("versie cookiedeel"), max_length=100)
    ip_network = models.CharField(_("IP-netwerk (ingekort)"), max_length=50, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cookie_consent_records",
    )

    class Meta:
        verbose_name = _("cookietoestemming")
        verbose_name_plural = _("cookietoestemmingen")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return self.consent_id
