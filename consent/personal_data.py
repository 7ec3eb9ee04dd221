"""Personal data kept by the consent app (declared for the retention register)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from consent.models import CookieConsentRecord
from retention.registry import Category, EndAction, Explanation, LegalBasis, Period, register

# --- cookie consent ---
#
# A cookie decision counts for twelve months (consent.cookies.VALIDITY). Its record is the
# proof that analytics ran with consent, so it is kept for as long as that can be asked
# about: the twelve months plus two years, counted from the decision (also when a later
# decision replaced it sooner: one simple, indexable rule). Then it is deleted. When the
# account of a logged-in visitor is erased, the records lose their link to the account
# (the truncated IP network and browser stay until the record's own end).
COOKIE_CONSENT_PERIOD = Period(years=3)


def cookie_consents_due(now: datetime) -> QuerySet:
    return CookieConsentRecord.objects.filter(decided_at__lte=COOKIE_CONSENT_PERIOD.cutoff(now))


def dispose_cookie_consents(ids: list[Any]) -> dict[str, int]:
    deleted, _per_model = CookieConsentRecord.objects.filter(pk__in=ids).delete()
    return {"consent.CookieConsentRecord": deleted}


def unlink_cookie_consents(user_ids: list[Any]) -> dict[str, int]:
    unlinked = CookieConsentRecord.objects.filter(user_id__in=user_ids).update(user=None)
    return {"consent.CookieConsentRecord (unlinked)": unlinked} if unlinked else {}


def export_cookie_consents(user) -> list[dict[str, Any]]:
    return [
        {
            "consent_id": r.consent_id,
            "decided_at": r.decided_at.isoformat(),
            "accepted": r.accepted,
            "refused": r.refused,
            "statement_version": r.statement_version,
            "ip_network": r.ip_network,
            "user_agent": r.user_agent,
        }
        for r in CookieConsentRecord.objects.filter(user=user).order_by("decided_at")
    ]


def explain_cookie_consents(user, now: datetime) -> Explanation:
    first = (
        CookieConsentRecord.objects.filter(user=user)
        .order_by("decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return Explanation(
        category=COOKIE_CONSENTS,
        held=first is not None,
        removal_at=COOKIE_CONSENT_PERIOD.ends_at(first) if first else None,
        note=str(_("drie jaar na elke keuze")),
    )


COOKIE_CONSENTS = Category(
    name="cookie_consents",
    verbose_name=_("Cookiekeuzes"),
    purpose=_("Kunnen aantonen dat u toestemming gaf (of weigerde) voor analytische cookies."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("uw cookiekeuze"),
    period=COOKIE_CONSENT_PERIOD,
    end_action=EndAction.DELETE,
    data=_(
        "toestemmings-id, tijdstip, geaccepteerde en geweigerde soorten cookies, versie van de "
        "privacyverklaring, IP-netwerk (ingekort tot /24 of /48), browser, uw account als u was ingelogd"
    ),
    due=cookie_consents_due,
    dispose=dispose_cookie_consents,
    subject_field="user_id",
    erase_users=unlink_cookie_consents,
    export=export_cookie_consents,
    explain=explain_cookie_consents,
    order=61,
    app_label="consent",
)

register(COOKIE_CONSENTS)


def export_statement_notices(user) -> dict[str, Any]:
    from consent.models import StatementAnnouncement, StatementReading

    return {
        "announcements": [
            {"version": a.version.number, "sent_at": a.sent_at.isoformat()}
            for a in StatementAnnouncement.objects.filter(user=user).select_related("version").order_by("sent_at")
        ],
        "opened": [
            {"version": r.version.number, "opened_at": r.opened_at.isoformat()}
            for r in StatementReading.objects.filter(user=user).select_related("version").order_by("opened_at")
        ],
    }


def explain_statement_notices(user, now: datetime) -> Explanation:
    from accounts.personal_data import ACCOUNT_PERIOD
    from consent.models import StatementAnnouncement, StatementReading

    held = (
        StatementAnnouncement.objects.filter(user=user).exists() or StatementReading.objects.filter(user=user).exists()
    )
    return Explanation(
        category=STATEMENT_NOTICES,
        held=held,
        removal_at=ACCOUNT_PERIOD.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("tot drie maanden nadat u uw account opheft")),
    )


STATEMENT_NOTICES = Category(
    name="statement_notices",
    verbose_name=_("Aankondigingen van de privacyverklaring"),
    purpose=_("Kunnen aantonen dat wij u over een nieuwe privacyverklaring hebben verteld en dat u die hebt geopend."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het opheffen van het account"),
    period=Period(months=3),
    end_action=EndAction.DELETE,
    data=_("welke versie wij u mailden en wanneer, welke versie u opende en wanneer"),
    disposed_with="account",
    export=export_statement_notices,
    explain=explain_statement_notices,
    order=70,
    app_label="consent",
    recipients=("hosting", "mail"),
)

register(STATEMENT_NOTICES)
