"""Personal data kept by the consent app (declared for the retention register)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from consent.models import CookieConsentRecord, MailingRecipient, MarketingPreference
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

# --- cookie consent ---
#
# A cookie decision counts for twelve months (consent.cookies.selectors.VALIDITY). Its record is the
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
    recipients=("hosting",),
    data_subjects=(DataSubject.VISITORS, DataSubject.CUSTOMERS),
    security=_("IP-adres ingekort opgeslagen; alleen in te zien door het Privacybureau."),
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
    account_period = period_of("account")
    from consent.models import StatementAnnouncement, StatementReading

    held = (
        StatementAnnouncement.objects.filter(user=user).exists() or StatementReading.objects.filter(user=user).exists()
    )
    return Explanation(
        category=STATEMENT_NOTICES,
        held=held,
        removal_at=account_period.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("tot drie maanden nadat u uw account opheft")),
    )


STATEMENT_NOTICES = Category(
    name="statement_notices",
    verbose_name=_("Aankondigingen van de privacyverklaring"),
    purpose=_("Kunnen aantonen dat wij u over een nieuwe privacyverklaring hebben verteld en dat u die hebt geopend."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het opheffen van het account"),
    period=SamePeriodAs("account"),
    end_action=EndAction.DELETE,
    data=_("welke versie wij u mailden en wanneer, welke versie u opende en wanneer"),
    disposed_with="account",
    export=export_statement_notices,
    explain=explain_statement_notices,
    order=70,
    app_label="consent",
    recipients=("hosting", "mail"),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_("Geen aanvullende maatregelen naast de algemene."),
)

register(STATEMENT_NOTICES)


MAILING_RECIPIENT_PERIOD = Period(years=1)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def export_marketing_preference(user) -> dict[str, Any]:
    preference = MarketingPreference.objects.filter(user=user).first()
    if preference is None:
        return {"objected": False, "chosen": False}
    return {
        "objected": preference.objected,
        "chosen": True,
        "language": preference.language,
        "changed_at": _iso(preference.changed_at),
    }


def explain_marketing_preference(user, now: datetime) -> Explanation:
    account_period = period_of("account")

    return Explanation(
        category=MARKETING_PREFERENCE,
        held=MarketingPreference.objects.filter(user=user).exists(),
        removal_at=account_period.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("tot drie maanden nadat u uw account opheft")),
    )


def mailing_recipients_due(now: datetime) -> QuerySet:
    return MailingRecipient.objects.filter(queued_at__lte=MAILING_RECIPIENT_PERIOD.cutoff(now))


def dispose_mailing_recipients(ids: list[Any]) -> dict[str, int]:
    deleted, _per_model = MailingRecipient.objects.filter(pk__in=ids).delete()
    return {"consent.MailingRecipient": deleted}


def export_mailing_recipients(user) -> list[dict[str, Any]]:
    rows = MailingRecipient.objects.filter(user=user).select_related("mailing").order_by("queued_at")
    return [
        {
            "mailing": r.mailing.subject_for(r.language),
            "status": r.status,
            "language": r.language,
            "email": r.email,
            "queued_at": _iso(r.queued_at),
            "sent_at": _iso(r.sent_at),
        }
        for r in rows
    ]


def explain_mailing_recipients(user, now: datetime) -> Explanation:
    first = MailingRecipient.objects.filter(user=user).order_by("queued_at").values_list("queued_at", flat=True).first()
    return Explanation(
        category=MAILING_RECIPIENTS,
        held=first is not None,
        removal_at=MAILING_RECIPIENT_PERIOD.ends_at(first) if first else None,
        note=str(_("een jaar na het versturen van elke mailing")),
    )


MARKETING_PREFERENCE = Category(
    name="marketing_preference",
    verbose_name=_("Keuze voor reclame per e-mail"),
    purpose=_("U aanbiedingen per e-mail sturen, of juist niet als u daartegen bezwaar heeft gemaakt."),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    clock_start=_("het opheffen van het account"),
    period=SamePeriodAs("account"),
    end_action=EndAction.DELETE,
    data=_("bezwaar tegen reclame per e-mail (ja/nee), het tijdstip van uw keuze, de taal van de e-mails"),
    disposed_with="account",
    export=export_marketing_preference,
    explain=explain_marketing_preference,
    order=70,
    app_label="consent",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_("Afmelden kan zonder in te loggen via een ondertekende link; een bezwaar geldt direct."),
)

MAILING_RECIPIENTS = Category(
    name="mailing_recipients",
    verbose_name=_("Verstuurde aanbiedingen per e-mail"),
    purpose=_(
        "Niemand een mailing twee keer sturen, en kunnen aantonen dat wij uw bezwaar tegen reclame hebben gerespecteerd."
    ),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    clock_start=_("het klaarzetten van de mailing"),
    period=MAILING_RECIPIENT_PERIOD,
    end_action=EndAction.DELETE,
    data=_("welke mailing, op welk e-mailadres, in welke taal en wanneer verstuurd"),
    due=mailing_recipients_due,
    dispose=dispose_mailing_recipients,
    subject_field="user_id",
    export=export_mailing_recipients,
    explain=explain_mailing_recipients,
    order=71,
    app_label="consent",
    recipients=("hosting", "mail"),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_("Een mailing gaat alleen naar klanten zonder bezwaar; elke mail heeft een ondertekende afmeldlink."),
)

register(MARKETING_PREFERENCE, MAILING_RECIPIENTS)
