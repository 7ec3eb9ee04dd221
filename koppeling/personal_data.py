"""The koppeling's data (declared for the retention register).

Kept while the service runs and removed with the account (three months after closure):

* the Exact Online connection: the administration, the Exact user name and the
  encrypted token pair. Closing the account (``settings.ACCOUNT_CLOSE_STEPS``) or
  disconnecting removes the tokens at once; the row itself goes with the account.
* the settings (flows, journal and VAT codes, interval, start date, e-mail for notices).
* the webshop API keys' metadata: name, first characters, created, last used, revoked.

Never exported nor shown: the tokens (only their ciphertext exists) and the key hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from koppeling.models import ApiKey, Connection, KoppelingSettings
from register.cascade import in_batch
from register.registry import Category, DataSubject, EndAction, Explanation, LegalBasis, period_of, register


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_koppeling(user) -> dict[str, Any]:
    connection = Connection.objects.filter(user=user).first()
    settings_row = KoppelingSettings.objects.filter(user=user).first()
    return {
        "connection": None
        if connection is None
        else {
            "state": connection.state,
            "exact_user": connection.exact_user_name,
            "division": connection.division,
            "division_name": connection.division_name,
            "connected_at": _iso(connection.connected_at),
            "last_token_refresh": _iso(connection.refreshed_at),
            "disconnected_at": _iso(connection.disconnected_at),
        },
        "settings": None
        if settings_row is None
        else {**settings_row.snapshot(), "paused": settings_row.paused, "updated_at": _iso(settings_row.updated_at)},
        "api_keys": [
            {
                "name": key.name,
                "starts_with": key.prefix,
                "created_at": _iso(key.created_at),
                "last_used_at": _iso(key.last_used_at),
                "revoked_at": _iso(key.revoked_at),
            }
            for key in ApiKey.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def erase_user_koppeling(user_ids: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, model in (
        ("koppeling.ApiKey", ApiKey),
        ("koppeling.KoppelingSettings", KoppelingSettings),
        ("koppeling.Connection", Connection),
    ):
        deleted, _per_model = model.objects.filter(user_id__in=in_batch(user_ids)).delete()
        if deleted:
            counts[label] = deleted
    return counts


def explain_koppeling(user, now: datetime) -> Explanation:
    held = (
        Connection.objects.filter(user=user).exists()
        or KoppelingSettings.objects.filter(user=user).exists()
        or ApiKey.objects.filter(user=user).exists()
    )
    account_period = period_of("account")

    return Explanation(
        category=KOPPELING,
        held=held,
        removal_at=account_period.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("zolang de dienst loopt; verwijderd met uw account")),
    )


KOPPELING = Category(
    name="koppeling",
    verbose_name=_("Koppeling met Exact Online"),
    purpose=_("De koppeling tussen uw webwinkel en uw Exact Online-administratie uitvoeren."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het opheffen van het account"),
    period=None,
    end_action=EndAction.DELETE,
    data=_(
        "gekoppelde administratie en Exact Online-gebruikersnaam, toegangssleutels van Exact Online "
        "(versleuteld; verwijderd bij verbreken), koppelingsinstellingen, namen en gebruiksdata van API-sleutels"
    ),
    disposed_with="account",
    erase_users=erase_user_koppeling,
    export=export_koppeling,
    explain=explain_koppeling,
    order=50,
    app_label="koppeling",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Toegangssleutels van Exact Online versleuteld opgeslagen en verwijderd bij verbreken; API-sleutels alleen als SHA-256-hash opgeslagen."
    ),
)

register(KOPPELING)
