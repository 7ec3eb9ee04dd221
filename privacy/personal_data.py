"""Personal data kept by the privacy office: requests from people (who asked what, how their
identity was checked, what was done). Kept five years after the request was closed, as proof
that we answered (accountability, AVG art. 5(2)); an erased account leaves the request with
the name the person gave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from privacy import selectors
from privacy.models import Breach, Disclosure, PrivacyRequest
from register.cascade import delete_ids, in_batch
from register.registry import Category, DataSubject, EndAction, LegalBasis, Period, register

REQUEST_PERIOD = Period(years=5)


def requests_due(now: datetime) -> QuerySet:
    return PrivacyRequest.objects.filter(closed_at__lte=REQUEST_PERIOD.cutoff(now))


def dispose_requests(ids: list[Any]) -> dict[str, int]:
    return delete_ids(PrivacyRequest, ids)  # set-based, children first (register.cascade)


def unlink_erased_users(user_ids: list[Any]) -> dict[str, int]:
    n = PrivacyRequest.objects.filter(user_id__in=in_batch(user_ids)).update(user=None)
    return {"privacy.PrivacyRequest": n} if n else {}


def export_requests(user) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "received_on": r.received_on.isoformat(),
            "due_on": r.due_on.isoformat(),
            "status": r.status,
            "refusal_reason": r.refusal_reason,
            "actions": [{"at": a.at.isoformat(), "text": a.text} for a in r.actions.all()],
        }
        for r in PrivacyRequest.objects.filter(user=user).prefetch_related("actions").order_by("received_on", "pk")
    ]


REQUESTS = Category(
    name="privacy_requests",
    verbose_name=_("Uw verzoeken over uw gegevens"),
    purpose=_(
        "Uw verzoeken om inzage, correctie, verwijdering en dergelijke afhandelen en kunnen aantonen dat we dat hebben gedaan."
    ),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het afsluiten van het verzoek"),
    period=REQUEST_PERIOD,
    end_action=EndAction.DELETE,
    data=_("uw naam en contactgegevens, wat u vroeg, hoe uw identiteit is gecontroleerd en wat wij hebben gedaan"),
    due=requests_due,
    dispose=dispose_requests,
    subject_field="user_id",
    erase_users=unlink_erased_users,
    export=export_requests,
    order=70,
    app_label="privacy",
    recipients=("hosting",),
    data_subjects=(DataSubject.REQUESTERS, DataSubject.CUSTOMERS),
    security=_(
        "Alleen in te zien door het Privacybureau; elke stap staat in het activiteitenlogboek; een afgesloten verzoek kan niet meer worden gewijzigd."
    ),
)

register(REQUESTS)


# Breaches: five years after closing too. The register is the proof the AVG asks for (art.
# 33(5)) and the AP may ask for it; five years covers its investigations and matches the
# requests. The entry describes the people affected (often by group and number, sometimes by
# name), so it does not stay forever.
BREACH_PERIOD = Period(years=5)


def breaches_due(now: datetime) -> QuerySet:
    return Breach.objects.filter(closed_at__lte=BREACH_PERIOD.cutoff(now))


def dispose_breaches(ids: list[Any]) -> dict[str, int]:
    return delete_ids(Breach, ids)  # set-based, children first (register.cascade)


BREACHES = Category(
    name="privacy_breaches",
    verbose_name=_("Register van datalekken"),
    purpose=_(
        "Elk datalek vastleggen, met de melding aan de Autoriteit Persoonsgegevens en aan de betrokkenen, zoals de wet vraagt."
    ),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het afsluiten van de registratie van het datalek"),
    period=BREACH_PERIOD,
    end_action=EndAction.DELETE,
    data=_("wat er is gebeurd, welke gegevens en personen het betrof, de gevolgen en de maatregelen"),
    due=breaches_due,
    dispose=dispose_breaches,
    order=71,
    app_label="privacy",
    recipients=("hosting",),
    data_subjects=(DataSubject.BREACH_AFFECTED,),
    security=_(
        "Alleen in te zien door het Privacybureau; een afgesloten registratie kan niet meer worden gewijzigd (de database weigert het)."
    ),
)

register(BREACHES)


# Disclosures to authorities: five years after they were made, as proof of what was given on
# which ground. The person's own export shows them, except while a legal hold or a ban on
# telling them applies (privacy.selectors.disclosures_for_own_export). An erased account
# leaves the entry with its customer id.
DISCLOSURE_PERIOD = Period(years=5)


def disclosures_due(now: datetime) -> QuerySet:
    return Disclosure.objects.filter(created_at__lte=DISCLOSURE_PERIOD.cutoff(now))


def dispose_disclosures(ids: list[Any]) -> dict[str, int]:
    return delete_ids(Disclosure, ids)  # set-based, children first (register.cascade)


def unlink_disclosures(user_ids: list[Any]) -> dict[str, int]:
    n = Disclosure.objects.filter(user_id__in=in_batch(user_ids)).update(user=None)
    return {"privacy.Disclosure": n} if n else {}


def export_disclosures(user) -> list[dict[str, Any]]:
    return [
        {
            "authority": d.authority,
            "data_given": d.data_given,
            "legal_ground": d.legal_ground,
            "disclosed_on": d.disclosed_on.isoformat(),
        }
        for d in selectors.disclosures_for_own_export(user)
    ]


DISCLOSURES = Category(
    name="privacy_disclosures",
    verbose_name=_("Verstrekkingen aan instanties"),
    purpose=_("Vastleggen welke gegevens wij op grond van de wet aan een instantie (zoals de politie) hebben gegeven."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("de verstrekking"),
    period=DISCLOSURE_PERIOD,
    end_action=EndAction.DELETE,
    data=_("welke gegevens aan welke instantie zijn gegeven, op welke grond, wanneer en door wie"),
    due=disclosures_due,
    dispose=dispose_disclosures,
    subject_field="subject_id",
    erase_users=unlink_disclosures,
    export=export_disclosures,
    order=72,
    app_label="privacy",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Alleen in te zien door het Privacybureau; alleen toevoegen, nooit wijzigen; niet in de eigen gegevensexport zolang een bewaarplicht of een verbod op mededeling geldt."
    ),
)

register(DISCLOSURES)
