"""Mijn gegevens: what we keep about the customer, why, until when; and the download of
all of it. Views are thin: the services decide."""

from __future__ import annotations

import uuid
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from retention import selectors, services
from retention.models import DataExport, ExportStatus
from retention.personal_data import export_storage_name


def _own_export(request: HttpRequest, export_id: uuid.UUID) -> DataExport:
    # Someone else's export is "not found", not "forbidden": its existence is not revealed.
    export = DataExport.objects.filter(pk=export_id, user=request.user).first()
    if export is None:
        raise Http404
    return export


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    explanations = selectors.explain(user=request.user)
    latest = DataExport.objects.filter(user=request.user).order_by("-requested_at").first()
    return render(
        request,
        "retention/mijn_gegevens.html",
        {
            "explanations": explanations,
            "latest": latest,
            "latest_downloadable": latest is not None and selectors.export_is_downloadable(latest),
            "latest_expires_at": selectors.export_expires_at(latest) if latest else None,
        },
    )


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    export = services.export_request(user=request.user)
    return redirect("retention:export_status", export_id=export.pk)


@login_required
@require_GET
def export_status(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    export = _own_export(request, export_id)
    busy = export.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
    return render(
        request,
        "retention/export_status.html",
        {
            "export": export,
            "busy": busy,
            "downloadable": selectors.export_is_downloadable(export),
            "expires_at": selectors.export_expires_at(export),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    export = _own_export(request, export_id)
    # Through the storage API: the worker that built it may be on another machine.
    name = export_storage_name(export.file_name) if export.file_name else None
    if not selectors.export_is_downloadable(export) or name is None or not default_storage.exists(name):
        return render(request, "retention/export_gone.html", {"export": export}, status=HTTPStatus.GONE)
    services.export_downloaded(export=export, by=request.user)
    stamp = services.now().strftime("%Y%m%d")
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"mijn-gegevens-{stamp}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response
