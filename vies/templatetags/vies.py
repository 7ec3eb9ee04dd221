"""``{% vat_check_status profile %}``: what VIES said about the customer's VAT id, for the
profile page (accounts' template; accounts sits below this app and imports nothing of it)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from vies import selectors
from vies.models import VatCheck

register = template.Library()


@register.inclusion_tag("vies/_status.html")
def vat_check_status(profile) -> dict:
    if profile is None or not profile.vat_id:
        return {"check": None}
    check = selectors.latest_check(user=profile.user, vat_id=profile.vat_id)
    valid = selectors.valid_check(user=profile.user, vat_id=profile.vat_id)
    expired = check is not None and check.result == VatCheck.Result.VALID and valid is None
    return {
        "why": _why(check.reason) if check is not None else "",
        "check": check,
        "valid": valid,
        "expired": expired,
        "gave_up": check is not None
        and check.result == VatCheck.Result.UNCHECKED
        and check.next_attempt_at is None
        and check.attempts > 0,
        "country": profile.vat_id[:2].upper(),
    }


def _why(reason: str) -> str:
    if reason in ("", "superseded"):
        return _("de controle loopt nog")
    if reason == "MS_UNAVAILABLE":
        return _("de belastingdienst van het land van dit nummer gaf VIES geen antwoord")
    if reason in ("MS_MAX_CONCURRENT_REQ", "GLOBAL_MAX_CONCURRENT_REQ", "SERVER_BUSY"):
        return _("VIES was te druk")
    if reason in ("timeout", "TIMEOUT"):
        return _("VIES antwoordde niet op tijd")
    return _("VIES was niet bereikbaar")
