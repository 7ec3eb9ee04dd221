"""Names a customer can read for what the audit trail stores as code: the field names in an
event's changes ("kvk_number" → "KvK-nummer") and the machine actors ("system (Mollie)" →
"Systeem (Mollie)").

A change's key is a field of the event's target (``target_type``, e.g. "accounts.profile"),
or, for an admin inline, ``<model>[<id>].<field>`` (e.g. "profile[2].kvk_number", read as
"Profiel › KvK-nummer"). Labels come from, in order: the target type's own mapping below,
the mapping for every target, the target model's field ``verbose_name``; a key none of them
knows is shown as it is stored (it is evidence, not to be guessed at)."""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Keys that mean the same on every target.
COMMON = {
    "status": _("Status"),
    "reason": _("Reden"),
    "login": _("Inlognaam"),
    "username": _("Gebruikersnaam"),
    "email": _("E-mailadres"),
    "password": _("Wachtwoord"),
    "type": _("Soort"),
    "amount": _("Bedrag"),
    "amount_gross": _("Bedrag incl. btw"),
    "vat_rate": _("Btw-tarief"),
    "mollie_id": _("Kenmerk bij Mollie"),
    "mollie_subscription": _("Automatische incasso bij Mollie"),
    "mandate_id": _("Machtiging"),
    "sequence_type": _("Soort betaling"),
    "number": _("Nummer"),
    "plan": _("Abonnementsvorm"),
    "invoice": _("Factuur"),
    "payment": _("Betaling"),
    "pdf": _("Pdf"),
    "paid_by": _("Betaald met"),
    "settles_invoice": _("Voldoet factuur"),
    "current_period_end": _("Volgende betaling op"),
    "cancel_at_period_end": _("Opgezegd per einde periode"),
    "ended_at": _("Beëindigd op"),
    "closed_at": _("Opgeheven op"),
    "is_active": _("Actief"),
    "admin_action": _("Handeling van medewerker"),
    "object": _("Onderdeel"),
    "deleted": _("Verwijderd"),
    "late_charge_refund": _("Terugbetaling van late afschrijving"),
    "refund": _("Terugbetaling"),
    "accepted": _("Geaccepteerd"),
    "refused": _("Geweigerd"),
    "consent_id": _("Toestemmings-id"),
    "full_name": _("Naam"),
    "company_name": _("Bedrijfsnaam"),
    "kvk_number": _("KvK-nummer"),
    "vat_id": _("Btw-identificatienummer"),
    "phone": _("Telefoonnummer"),
    "street": _("Straat en huisnummer"),
    "postal_code": _("Postcode"),
    "city": _("Plaats"),
    "country": _("Land"),
    "statement_version": _("Versie privacyverklaring"),
    "refund_requested": _("Terugbetaling aangevraagd"),
    "purpose": _("Doel"),
    "via": _("Via"),
    "objected": _("Bezwaar tegen reclame per e-mail"),
    "effective_date": _("Ingangsdatum"),
    "payment_status": _("Status betaling"),
    "mollie_status": _("Status bij Mollie"),
    "start_date": _("Begindatum"),
    "ends_on": _("Einddatum"),
    "billing_email_verified": _("E-mailadres voor facturen bevestigd"),
}

# Keys whose values are amounts in euros ("5.5", "-10.00" as stored): shown as "€ 5,50".
AMOUNT_KEYS = frozenset(
    {"amount", "amount_gross", "amount_net", "vat_amount", "refund_requested", "refund", "late_charge_refund", "price"}
)

# Values that are codes, per key, read as words; apps register theirs (register_values),
# e.g. the names of the per-customer admin actions. A target model field with choices
# needs no entry: its choice label is used.
VALUE_LABELS: dict[str, dict[str, object]] = {
    "reason": {"verification": _("controle van de nieuwe betaalmethode")},
}

# Keys a customer does not see in events by staff: the reason a staff member typed is for
# staff (the admin's audit log shows it), the customer reads which action it was.
STAFF_ONLY_KEYS = frozenset({"reason", "note"})


def register_values(key: str, labels: dict[str, object]) -> None:
    """Words for the coded values of ``key`` (an app's own codes, registered at start-up)."""
    VALUE_LABELS.setdefault(key, {}).update(labels)


# Keys whose meaning depends on the target.
BY_TARGET = {
    "accounts.user": {"closed_at": _("Account opgeheven op")},
    "subscriptions.subscription": {"status": _("Status abonnement")},
    "subscriptions.payment": {"status": _("Status betaling")},
}

INLINE_KEY = re.compile(r"^(?P<model>[a-z_]+)\[(?P<id>[^\]]*)\]\.(?P<field>.+)$")


def _model(target_type: str, model_name: str | None = None):
    app_label, _dot, name = target_type.partition(".")
    try:
        if model_name is None:
            return apps.get_model(app_label, name)
        for app in [app_label] + [c.label for c in apps.get_app_configs() if c.label != app_label]:
            try:
                return apps.get_model(app, model_name)
            except LookupError:
                continue
    except (LookupError, ValueError):
        return None
    return None


def _field(target_type: str, name: str, model=None) -> str | None:
    if name in BY_TARGET.get(target_type, {}):
        return str(BY_TARGET[target_type][name])
    if name in COMMON:
        return str(COMMON[name])
    model = model if model is not None else _model(target_type)
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            return None
    return None


def change_label(target_type: str, key: str) -> str:
    """What the customer reads for one key of an event's changes."""
    inline = INLINE_KEY.match(key)
    if inline:
        model = _model(target_type, inline["model"])
        part = capfirst(str(model._meta.verbose_name)) if model is not None else inline["model"]
        field = _field(f"{model._meta.label_lower}" if model else "", inline["field"], model)
        return f"{part} › {field or inline['field']}"
    return _field(target_type, key) or key


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _choice_label(target_type: str, key: str, value) -> str | None:
    field_name = key.rsplit(".", 1)[-1]
    model = _model(target_type) if target_type else None
    if model is None:
        return None
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    for choice, label in getattr(field, "choices", None) or ():
        if str(choice) == str(value):
            return str(label)
    return None


def _amount(value) -> str | None:
    from decimal import Decimal, InvalidOperation

    from core.formatting import euro

    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return euro(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _coded(value, *, target_type: str, key: str) -> str | None:
    """An amount, or a code in words; None when the value is neither."""
    field_name = key.rsplit(".", 1)[-1]
    if field_name in AMOUNT_KEYS:
        amount = _amount(value)
        if amount is not None:
            return amount
    if isinstance(value, str | int) and not isinstance(value, bool):
        registered = VALUE_LABELS.get(field_name, {}).get(str(value))
        if registered is not None:
            return str(registered)
        return _choice_label(target_type, key, value)
    return None


def change_value(value, *, target_type: str = "", key: str = "") -> str:
    """A stored value as the customer reads it: amounts as "€ 5,50", coded values in words
    (registered labels, else the target field's choices), days and moments as in a table
    (dd-mm-jjjj), yes/no, "gewijzigd" for a masked secret; anything else as stored."""
    from datetime import date, datetime

    from django.utils import formats, timezone

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if value == "changed":  # audit.services.CHANGED: a secret, never stored
        return gettext("gewijzigd")
    coded = _coded(value, target_type=target_type, key=key)
    if coded is not None:
        return coded
    if isinstance(value, str) and ISO_DAY.match(value):
        try:
            return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, str) and ISO_MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return str(value)


def actor_label(stored: str) -> str:
    """A machine actor is stored as "system (<name>)"; read it in the current language."""
    match = re.fullmatch(r"system \((?P<name>.+)\)", stored)
    if match:
        return gettext("Systeem (%(name)s)") % {"name": match["name"]}
    return stored
