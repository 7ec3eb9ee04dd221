"""Personal data in the audit trail (declared for the retention register).

Audit events are evidence and stay; their *personal fields* (IP address, browser, the
values in ``changes``, the actor's name) are redacted through the audit app's own redaction
path, which keeps every event's digest so the chains still verify:

* events about a customer: when the customer's account is erased (three months after
  closure), in the erasure's own transaction;
* events about no customer (failed logins for unknown names, anonymous visitors): 90 days
  after the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from register.registry import (
    Category,
    DataSubject,
    EndAction,
    Explanation,
    LegalBasis,
    Period,
    SamePeriodAs,
    period_of,
    register,
)

ANONYMOUS_EVENT_PERIOD = Period(days=90)


def _unredacted() -> Q:
    """Events that still carry something personal."""
    return Q(redacted_at__isnull=True)


def erase_customer_events(user_ids: list[Any]) -> dict[str, int]:
    """Redact the events of the erased customers, in one statement for the whole batch
    (audit.services.redact_customers, the audit trail's own redaction path)."""
    from audit.services import redact_customers

    return {"audit.AuditEvent (redacted)": redact_customers(user_ids)}


def anonymous_events_due(now: datetime) -> QuerySet:
    cutoff = ANONYMOUS_EVENT_PERIOD.cutoff(now)
    return AuditEvent.objects.filter(_unredacted(), subject_id__isnull=True, occurred_at__lte=cutoff)


def dispose_anonymous_events(ids: list[Any]) -> dict[str, int]:
    if not ids:
        return {}
    newest = (
        AuditEvent.objects.filter(pk__in=ids).order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    )
    from audit.services import redact_personal_fields

    return {"audit.AuditEvent (redacted)": redact_personal_fields(subject_id=None, before=newest)}


def export_customer_events(user) -> list[dict[str, Any]]:
    return [
        {
            "occurred_at": e.occurred_at.isoformat(),
            "action": e.action,
            "actor": e.actor_label,
            "object": f"{e.target_type} {e.target_id}".strip(),
            "changes": e.changes,
            "ip": e.ip,
            "user_agent": e.user_agent,
        }
        for e in AuditEvent.objects.filter(subject_id=user.pk).order_by("occurred_at", "pk").iterator()
    ]


def explain_customer_events(user, now: datetime) -> Explanation:
    account_period = period_of("account")

    return Explanation(
        category=CUSTOMER_EVENTS,
        held=AuditEvent.objects.filter(subject_id=user.pk).exists(),
        removal_at=account_period.ends_at(user.closed_at) if user.closed_at else None,
        note=""
        if user.closed_at
        else str(
            _(
                "tot drie maanden nadat u uw account opheft; de gebeurtenis zelf blijft als bewijs, zonder persoonsgegevens"
            )
        ),
    )


CUSTOMER_EVENTS = Category(
    name="audit_personal",
    verbose_name=_("Activiteitenlogboek"),
    purpose=_("Bewijs van wat u in het portaal deed en wanneer (inloggen, wijzigingen, betalingen)."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het opheffen van het account"),
    period=SamePeriodAs("account"),
    end_action=EndAction.ANONYMISE,
    data=_("IP-adres, browser, oude en nieuwe waarden van wijzigingen, uw gebruikersnaam"),
    disposed_with="account",
    erase_users=erase_customer_events,
    export=export_customer_events,
    explain=explain_customer_events,
    order=50,
    app_label="audit",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF),
    security=_(
        "Alleen toevoegen: de database weigert wijzigen en verwijderen (behalve het wissen van persoonsgegevens aan het eind van de termijn); een hashketen per klant met ondertekende controlepunten buiten de database toont elke manipulatie."
    ),
)

ANONYMOUS_EVENTS = Category(
    name="audit_anonymous",
    verbose_name=_("Logboek zonder klant (IP-adressen)"),
    purpose=_("Beveiliging: pogingen herkennen om in te loggen op onbekende accounts."),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    clock_start=_("het tijdstip van de gebeurtenis"),
    period=ANONYMOUS_EVENT_PERIOD,
    end_action=EndAction.ANONYMISE,
    data=_("IP-adres en browser van bezoekers zonder account"),
    due=anonymous_events_due,
    dispose=dispose_anonymous_events,
    order=51,
    app_label="audit",
    recipients=("hosting",),
    data_subjects=(DataSubject.VISITORS,),
    security=_(
        "Alleen toevoegen, met een hashketen en ondertekende controlepunten buiten de database; het IP-adres wordt na 90 dagen gewist."
    ),
)

register(CUSTOMER_EVENTS, ANONYMOUS_EVENTS)
