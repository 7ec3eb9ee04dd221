"""The customer's data export: asked for (by the customer or staff), built as a ZIP on the
worker, mailed, downloaded; and the export for ops (``manage.py retention export``)."""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.events import Action
from audit.services import record
from core.formatting import greeting_name
from core.mail import send_later
from core.on_commit import after_commit
from register import registry
from retention.base import now, ops_label
from retention.models import DataExport, ExportStatus
from retention.selectors import explain, export_data, export_expires_at

logger = logging.getLogger(__name__)

# The export task's registered name (retention.tasks), queued by name.
BUILD_EXPORT = "retention.tasks.build_export"


@transaction.atomic
def export_for_ops(*, user, by=None) -> dict[str, Any]:
    """The export for ``manage.py retention export``: the same data, recorded as staff
    access to the customer's data."""
    actor, system, label = ops_label(by)
    record(
        Action.RETENTION_EXPORT_REQUESTED,
        actor=actor,
        system=system,
        subject=user,
        changes={"via": "manage.py retention export", "by": label},
    )
    return export_data(user=user)


@transaction.atomic
def export_request(*, user, by=None) -> DataExport:
    """Queue a data export for ``user`` (asked by the customer, or by staff as ``by``; the
    download link goes to the customer either way); while one is being made, that one is
    returned."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    busy = DataExport.objects.filter(user=user, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).first()
    if busy is not None:
        return busy
    export = DataExport.objects.create(user=user, requested_at=now())
    record(Action.RETENTION_EXPORT_REQUESTED, actor=by or user, subject=user, target=export)
    after_commit(BUILD_EXPORT, str(export.pk))
    return export


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def export_build(*, export_id: str, language: str | None = None) -> DataExport | None:
    """Make the ZIP (one JSON file per category, the files a category keeps in a folder of
    its name, e.g. ``billing/factuur-2026-00001.pdf``, and a readable HTML summary), store it
    through Django's storage API (the object store in production, so whichever web process
    serves the download finds it) and mail the customer. Idempotent: a finished export is left
    alone, and a build that stopped after storing its file stores it again under the same name."""
    from retention.personal_data import EXPORT_FOLDER

    if not _is_uuid(export_id):
        return None
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return export
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=0)
    user = export.user
    categories = [c for c in registry.categories() if c.export is not None]
    data: dict[str, Any] = {}
    for index, category in enumerate(categories, start=1):
        data[category.name] = category.export(user)
        DataExport.objects.filter(pk=export.pk).update(progress=int(90 * index / len(categories)))
    with translation.override(language or settings.LANGUAGE_CODE):
        explanations = explain(user=user)
        summary = render_to_string(
            "retention/export_summary.html",
            {
                "user": user,
                "made_at": now(),
                "sections": [
                    {
                        "category": c,
                        "data": data[c.name],
                        "json": json.dumps(data[c.name], indent=2, ensure_ascii=False, default=str),
                    }
                    for c in categories
                ],
                "explanations": explanations,
            },
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for category in categories:
            archive.writestr(f"{category.name}.json", _json(data[category.name]))
        for category in registry.categories():
            for name, content in category.export_files(user) if category.export_files is not None else ():
                archive.writestr(f"{category.name}/{name}", content)
        archive.writestr("overzicht.html", summary.encode("utf-8"))
    name = f"{EXPORT_FOLDER}/{export.pk}.zip"
    default_storage.delete(name)  # left by an attempt that stopped before the row said ready
    name = default_storage.save(name, ContentFile(buffer.getvalue()))
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.READY, progress=100, ready_at=now(), file_name=name, size=len(buffer.getvalue())
        )
        export.refresh_from_db()
        if user.email:
            send_later(
                "retention/email/export_ready",
                to=[user.email],
                context={
                    "username": user.get_username(),
                    "greeting_name": greeting_name(user),
                    "url": f"{settings.SITE_URL}/portal/mijn-gegevens/download/{export.pk}/",
                    "expires_at": timezone.localtime(export_expires_at(export)).strftime("%d-%m-%Y %H:%M"),
                },
                language=language,
            )
    return export


@transaction.atomic
def export_failed(*, export_id: str, language: str | None = None) -> DataExport | None:
    """The export could not be made (after its retries): it ends as failed, so the customer
    can ask again at once, and the customer gets a mail saying so. Once only."""
    from retention.personal_data import EXPORT_FOLDER

    if not _is_uuid(export_id):
        return None
    export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
    if export is None or export.status in (ExportStatus.READY, ExportStatus.FAILED):
        return export
    export.status = ExportStatus.FAILED
    export.save(update_fields=["status"])
    record(Action.RETENTION_EXPORT_FAILED, system="retention", subject=export.user, target=export)
    stored = f"{EXPORT_FOLDER}/{export.pk}.zip"

    def remove_stored() -> None:  # a file stored before the row could say ready
        try:
            default_storage.delete(stored)
        except OSError:  # the storage that failed the export may fail this too
            logger.warning("could not remove %s", stored)

    transaction.on_commit(remove_stored)
    if export.user.email:
        send_later(
            "retention/email/export_failed",
            to=[export.user.email],
            context={
                "greeting_name": greeting_name(export.user),
                "url": f"{settings.SITE_URL}/portal/mijn-gegevens/#download",
            },
            language=language,
        )
    return export


def export_downloaded(*, export: DataExport, by) -> None:
    record(Action.RETENTION_EXPORT_DOWNLOADED, actor=by, subject=export.user, target=export)
