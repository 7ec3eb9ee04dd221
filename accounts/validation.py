"""Validators for customer data, built on the maintained libraries (python-stdnum,
phonenumbers) rather than home-made patterns. Each returns the normalised value or raises
``ValidationError`` with a message in the active language."""

from __future__ import annotations

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.nl import postcode as nl_postcode
from stdnum.util import isdigits

_FORBIDDEN = set("<>{}\\")


def plain_text(value: str) -> str:
    """Names and addresses: letters of any script, digits and ordinary punctuation. Markup
    characters and control characters are refused rather than stored."""
    value = unicodedata.normalize("NFC", value).strip()
    if any(ch in _FORBIDDEN for ch in value):
        raise ValidationError(_("Gebruik geen < > { } of \\ in dit veld."), code="markup")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in value):
        raise ValidationError(_("Dit veld bevat onzichtbare of ongeldige tekens."), code="control")
    return " ".join(value.split())


def postal_code(value: str, country: str) -> str:
    if not value:
        return value
    if country == "NL":
        try:
            return nl_postcode.validate(value)
        except stdnum_errors.ValidationError as exc:
            raise ValidationError(
                _("Vul een geldige Nederlandse postcode in, bijvoorbeeld 5617 AC."), code="postcode"
            ) from exc
    cleaned = plain_text(value).upper()
    if len(cleaned) > 12 or not all(ch.isalnum() or ch in " -" for ch in cleaned):
        raise ValidationError(_("Vul een geldige postcode in."), code="postcode")
    return cleaned


def phone_e164(value: str, country: str) -> str:
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, country or "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Vul een geldig telefoonnummer in, bijvoorbeeld 040 123 4567 of +31 40 123 4567."), code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Vul een geldig telefoonnummer in, bijvoorbeeld 040 123 4567 of +31 40 123 4567."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def kvk_number(value: str) -> str:
    compact = value.replace(" ", "").replace(".", "")
    if not compact:
        return compact
    if len(compact) != 8 or not isdigits(compact):
        raise ValidationError(_("Een KvK-nummer bestaat uit 8 cijfers."), code="kvk")
    return compact


def vat_id(value: str) -> str:
    if not value:
        return value
    try:
        return vat.validate(value)
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationError(
            _("Dit btw-identificatienummer hoort niet bij een land van de EU."), code="vat_country"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("Vul een geldig btw-identificatienummer in, met landcode, bijvoorbeeld NL004495445B01."), code="vat"
        ) from exc


def billing_email(value: str, *, user) -> str:
    """The optional address for billing mail (already checked as an e-mail address by the
    form field): its domain in lower case, and not the account's own address (that one gets
    billing mail anyway when the field is empty)."""
    value = value.strip()
    if not value:
        return value
    local, _at, domain = value.rpartition("@")
    value = f"{local}@{domain.lower()}"
    if user is not None and user.email and value.casefold() == user.email.casefold():
        raise ValidationError(
            _("Dit is al het e-mailadres van uw account: laat dit veld leeg om facturen daarheen te sturen."),
            code="same_as_account",
        )
    return value
