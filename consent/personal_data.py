"""Personal data kept by the consent app (declared for the retention register)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from retention.registry import Category, EndAction, Explanation, LegalBasis, Period, register

# --- statement ---------------------------------------------------------------------------
# Which customers were mailed about a new statement version, and when they opened it. Both
# go with the account (the rows cascade when the user row is deleted).


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
