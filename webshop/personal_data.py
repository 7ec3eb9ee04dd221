"""The webshop orders' data (declared for the retention register).

For these orders we are a processor: the payload holds personal data of the customer's own
customers (name, company, e-mail, phone, address, VAT id). It is kept whole until the order
is synced into Exact Online plus 30 days; then the daily retention job strips it
(``webshop.services.orders_strip_personal_data``) and the order log stays (number, date,
lines, amounts, Exact's ids, status) until the account is erased. An order that never
syncs keeps its payload until then.

The acceptances of the verwerkersovereenkomst are the record of what the customer agreed
to: kept as long as the account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from register.cascade import in_batch
from register.registry import (
    Category,
    ControllerOf,
    DataSubject,
    EndAction,
    Explanation,
    LegalBasis,
    Period,
    Role,
    period_of,
    register,
)
from webshop.models import Order, ProcessorAgreementAcceptance
from webshop.services import orders_strip_personal_data

# Full orders are kept this long after they are in Exact Online (issue 16: "synced + 30 days").
ORDER_PERSONAL_DATA_PERIOD = Period(days=30)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def order_personal_data_due(now: datetime) -> QuerySet:
    return Order.objects.filter(
        personal_data_stripped_at__isnull=True,
        status=Order.Status.SYNCED,
        synced_at__lte=ORDER_PERSONAL_DATA_PERIOD.cutoff(now),
    )


def strip_orders(ids: list[Any]) -> dict[str, int]:
    stripped = orders_strip_personal_data(ids)
    return {"webshop.Order (stripped)": stripped} if stripped else {}


def export_orders(user) -> list[dict[str, Any]]:
    return [
        {
            "number": order.number,
            "order_date": order.order_date.isoformat(),
            "received_at": _iso(order.received_at),
            "order": order.payload,
            "amount_net": str(order.amount_net),
            "amount_vat": str(order.amount_vat),
            "amount_gross": str(order.amount_gross),
            "status": order.status,
            "exact_invoice_number": order.exact_invoice_number,
            "exact_invoice_id": order.exact_invoice_id,
            "synced_at": _iso(order.synced_at),
            "payment_status": order.payment_status,
            "personal_data_stripped_at": _iso(order.personal_data_stripped_at),
        }
        for order in Order.objects.filter(user=user).order_by("received_at", "pk").iterator(chunk_size=1000)
    ]


def explain_order_personal_data(user, now: datetime) -> Explanation:
    waiting = Order.objects.filter(user=user, personal_data_stripped_at__isnull=True)
    first_synced = (
        waiting.filter(status=Order.Status.SYNCED, synced_at__isnull=False)
        .order_by("synced_at")
        .values_list("synced_at", flat=True)
        .first()
    )
    return Explanation(
        category=ORDER_PERSONAL_DATA,
        held=waiting.exists(),
        removal_at=ORDER_PERSONAL_DATA_PERIOD.ends_at(first_synced) if first_synced else None,
        note=str(_("30 dagen nadat elke bestelling in Exact Online staat")),
    )


def erase_user_orders(user_ids: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, model in (
        ("webshop.Order", Order),
        ("webshop.ProcessorAgreementAcceptance", ProcessorAgreementAcceptance),
    ):
        deleted, _per_model = model.objects.filter(user_id__in=in_batch(user_ids)).delete()
        if deleted:
            counts[label] = deleted
    return counts


def explain_order_log(user, now: datetime) -> Explanation:
    held = Order.objects.filter(user=user).exists() or ProcessorAgreementAcceptance.objects.filter(user=user).exists()
    return Explanation(
        category=ORDER_LOG,
        held=held,
        removal_at=period_of("account").ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("zolang de dienst loopt; verwijderd met uw account")),
    )


def export_agreements(user) -> list[dict[str, Any]]:
    return [
        {
            "version": row.version,
            "accepted_at": _iso(row.accepted_at),
            "ip_network": row.ip_network,
            "user_agent": row.user_agent,
        }
        for row in ProcessorAgreementAcceptance.objects.filter(user=user).order_by("accepted_at", "pk")
    ]


def processed_for() -> list[ControllerOf]:
    """The customers whose webshop orders we process: everyone who accepted the
    verwerkersovereenkomst, with the latest version they accepted (one query)."""
    latest: dict[int, ControllerOf] = {}
    rows = ProcessorAgreementAcceptance.objects.select_related("user__profile").order_by("user_id", "accepted_at", "pk")
    for row in rows:
        user = row.user
        profile = getattr(user, "profile", None)
        name = (profile and (profile.company_name or profile.full_name)) or user.get_username()
        latest[row.user_id] = ControllerOf(
            name=name,
            contact=user.email,
            agreement_version=row.version,
            accepted_on=timezone.localdate(row.accepted_at),
        )
    return sorted(latest.values(), key=lambda c: (c.name.casefold(), c.contact))


ORDER_PERSONAL_DATA = Category(
    name="webshop_order_personal",
    verbose_name=_("Klantgegevens in webshopbestellingen"),
    purpose=_(
        "Bestellingen van uw webwinkel in Exact Online zetten (wij zijn hiervoor uw verwerker, "
        "volgens de verwerkersovereenkomst)."
    ),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het moment dat de bestelling in Exact Online staat"),
    period=ORDER_PERSONAL_DATA_PERIOD,
    end_action=EndAction.ANONYMISE,
    data=_(
        "naam, bedrijfsnaam, e-mailadres, telefoonnummer, adres en btw-nummer van de klanten van uw webwinkel, "
        "zoals uw webwinkel ze meestuurt met elke bestelling"
    ),
    due=order_personal_data_due,
    dispose=strip_orders,
    subject_field="user_id",
    explain=explain_order_personal_data,
    role=Role.PROCESSOR,
    controllers=processed_for,
    order=52,
    app_label="webshop",
    recipients=("hosting",),
    data_subjects=(DataSubject.SHOP_CUSTOMERS,),
    security=_(
        "Alleen aangeleverd over HTTPS met een API-sleutel van de klant; nooit zichtbaar voor andere klanten; de persoonsgegevens worden 30 dagen na verwerking in Exact Online uit de bestelling verwijderd."
    ),
)

ORDER_LOG = Category(
    name="webshop_orders",
    verbose_name=_("Bestellingenlog en verwerkersovereenkomst"),
    purpose=_("U laten zien welke bestellingen wij ontvingen en wat er in Exact Online van werd."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het opheffen van het account"),
    period=None,
    end_action=EndAction.DELETE,
    data=_(
        "per bestelling: bestelnummer, datum, regels, bedragen, status, nummers in Exact Online en betaalstatus; "
        "welke versie van de verwerkersovereenkomst u wanneer accepteerde (met ingekort IP-netwerk en browser)"
    ),
    disposed_with="account",
    erase_users=erase_user_orders,
    export=lambda user: {"orders": export_orders(user), "processor_agreements": export_agreements(user)},
    explain=explain_order_log,
    order=53,
    app_label="webshop",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Alleen zichtbaar voor de klant zelf; de CSV-export bevat geen persoonsgegevens van de klanten van de webwinkel."
    ),
)

register(ORDER_PERSONAL_DATA)
register(ORDER_LOG)
