"""VIES checks (declared for the retention register).

Each check is the proof that a VAT id was valid when we reverse charged the VAT on an
invoice, so it is kept as long as the invoices: the billing data's period (seven years),
counted from the day of the check. When the account is erased the check loses its user
link (``on_delete=SET_NULL``) and stays for the rest of its period, as the invoices do;
what it holds is what VIES says of a business (VAT id, name and address as registered),
the consultation number and the date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from register.registry import Category, DataSubject, EndAction, LegalBasis, SamePeriodAs, period_of, register
from vies.models import VatCheck


def checks_due(now: datetime) -> QuerySet:
    return VatCheck.objects.filter(requested_at__lte=period_of("billing").cutoff(now))


def dispose_checks(ids: list[Any]) -> dict[str, int]:
    deleted, _per_model = VatCheck.objects.filter(pk__in=ids).delete()
    return {"vies.VatCheck": deleted}


def export_checks(user) -> list[dict[str, Any]]:
    return [
        {
            "vat_id": c.vat_id,
            "result": c.result,
            "requested_at": c.requested_at.isoformat(),
            "checked_at": c.checked_at.isoformat() if c.checked_at else None,
            "name": c.name,
            "address": c.address,
            "consultation_number": c.consultation_number,
        }
        for c in VatCheck.objects.filter(user=user).order_by("requested_at", "id")
    ]


VAT_CHECKS = Category(
    name="vat_checks",
    verbose_name=_("Controles van uw btw-identificatienummer (VIES)"),
    purpose=_(
        "Aantonen dat uw btw-identificatienummer geldig was toen wij de btw verlegden (de EU-dienst VIES geeft een raadplegingsnummer)."
    ),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("de controle"),
    period=SamePeriodAs("billing"),
    end_action=EndAction.DELETE,
    data=_("btw-identificatienummer, uitkomst, naam en adres zoals VIES ze geeft, raadplegingsnummer en datum"),
    due=checks_due,
    dispose=dispose_checks,
    subject_field="user_id",
    export=export_checks,
    order=45,
    app_label="vies",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_("Alleen wat VIES teruggeeft; alleen in te zien door de rollen Facturatie en Ondersteuning."),
)

register(VAT_CHECKS)
