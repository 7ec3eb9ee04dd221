"""Personal data kept by the consent app (declared for the retention register)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from consent.models import MailingRecipient, MarketingPreference
from retention.registry import Category, EndAction, Explanation, LegalBasis, Period, register

# --- marketing ---
# The choice about marketing mail goes with the account (the user row's CASCADE removes
# it). A mailing's recipient rows (who got which mailing, when, at which address) are kept
# a year as evidence that an objection was respected, then deleted; the mailing keeps its
# counts.

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
    from accounts.personal_data import ACCOUNT_PERIOD

    return Explanation(
        category=MARKETING_PREFERENCE,
        held=MarketingPreference.objects.filter(user=user).exists(),
        removal_at=ACCOUNT_PERIOD.ends_at(user.closed_at) if user.closed_at else None,
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
    period=Period(months=3),
    end_action=EndAction.DELETE,
    data=_("bezwaar tegen reclame per e-mail (ja/nee), het tijdstip van uw keuze, de taal van de e-mails"),
    disposed_with="account",
    export=export_marketing_preference,
    explain=explain_marketing_preference,
    order=70,
    app_label="consent",
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
)

register(MARKETING_PREFERENCE, MAILING_RECIPIENTS)
