"""Personal data kept by the retention app itself: the customer's data exports (ZIP files
with everything we hold), deleted seven days after they were made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from register.cascade import in_batch
from register.registry import Category, DataSubject, EndAction, Explanation, LegalBasis, Period, register
from retention.models import DataExport

EXPORT_PERIOD = Period(days=7)


EXPORT_FOLDER = "data-exports"


def export_storage_name(file_name: str) -> str:
    """The export's name in the default storage (object store in production). Rows from
    before the storage API hold the bare file name of a file in MEDIA_ROOT/data-exports,
    which is the same place on a filesystem storage."""
    return file_name if "/" in file_name else f"{EXPORT_FOLDER}/{file_name}"


def _remove_files_after_commit(names: list[str]) -> None:
    def remove() -> None:
        for name in names:
            default_storage.delete(export_storage_name(name))

    if names:
        transaction.on_commit(remove)


def exports_due(now: datetime) -> QuerySet:
    cutoff = EXPORT_PERIOD.cutoff(now)
    # A request that never finished (the worker died) counts from when it was asked for.
    return DataExport.objects.filter(Q(ready_at__lte=cutoff) | Q(ready_at__isnull=True, requested_at__lte=cutoff))


def dispose_exports(ids: list[Any]) -> dict[str, int]:
    rows = DataExport.objects.filter(pk__in=ids)
    _remove_files_after_commit([n for n in rows.values_list("file_name", flat=True) if n])
    deleted, _per_model = rows.delete()
    return {"retention.DataExport": deleted}


def erase_user_exports(user_ids: list[Any]) -> dict[str, int]:
    rows = DataExport.objects.filter(user_id__in=in_batch(user_ids))
    _remove_files_after_commit([n for n in rows.values_list("file_name", flat=True) if n])
    deleted, _per_model = rows.delete()
    return {"retention.DataExport": deleted} if deleted else {}


def export_exports(user) -> list[dict[str, Any]]:
    return [
        {
            "requested_at": e.requested_at.isoformat(),
            "status": e.status,
            "ready_at": e.ready_at.isoformat() if e.ready_at else None,
        }
        for e in DataExport.objects.filter(user=user).order_by("requested_at")
    ]


def explain_exports(user, now: datetime) -> Explanation:
    latest = DataExport.objects.filter(user=user, ready_at__isnull=False).order_by("-ready_at").first()
    return Explanation(
        category=EXPORTS,
        held=DataExport.objects.filter(user=user).exists(),
        removal_at=EXPORT_PERIOD.ends_at(latest.ready_at) if latest else None,
        note=str(_("7 dagen nadat de export klaar is")),
    )


EXPORTS = Category(
    name="data_exports",
    verbose_name=_("Downloads van uw gegevens"),
    purpose=_("U een kopie geven van alle gegevens die wij over u hebben."),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    clock_start=_("het klaarzetten van de download"),
    period=EXPORT_PERIOD,
    end_action=EndAction.DELETE,
    data=_("een ZIP-bestand met al uw gegevens"),
    due=exports_due,
    dispose=dispose_exports,
    subject_field="user_id",
    erase_users=erase_user_exports,
    export=export_exports,
    explain=explain_exports,
    order=60,
    app_label="retention",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Alleen te downloaden door de klant zelf na inloggen; het bestand staat in afgeschermde opslag en wordt na zeven dagen verwijderd."
    ),
)

register(EXPORTS)
