"""The Article 30 record of processing activities: a page in the admin and its download as
PDF or CSV (docs/privacy.md, "Record of processing activities"). The record is built anew
from the register and the processors list on every request; a download is audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _

from privacy import record_documents, selectors, services

PERMISSION = "privacy.view_processing_record"
FORMATS = {
    "pdf": ("application/pdf", record_documents.render_pdf),
    "csv": ("text/csv; charset=utf-8", record_documents.render_csv),
}


def _page_language() -> str:
    language = (translation.get_language() or "nl")[:2]
    return language if language in selectors.LANGUAGES else "nl"


def _refuse_without_right(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied  # another role: 403, as the admin's own pages


def processing_record(request: HttpRequest) -> HttpResponse:
    _refuse_without_right(request)
    record = selectors.processing_record(language=_page_language())
    context = {
        **admin.site.each_context(request),
        "title": _("Register van verwerkingsactiviteiten (AVG art. 30)"),
        "record": record,
        "controller_activities": [(a, record_documents.activity_fields(a)) for a in record.controller_activities],
        "processor_activities": [(a, record_documents.activity_fields(a)) for a in record.processor_activities],
    }
    return TemplateResponse(request, "admin/privacy/processing_record.html", context)


def processing_record_download(request: HttpRequest) -> HttpResponse:
    _refuse_without_right(request)
    file_format = request.GET.get("format", "")
    language = request.GET.get("lang", _page_language())
    if file_format not in FORMATS or language not in selectors.LANGUAGES:
        messages.error(
            request,
            _("Dit bestand bestaat niet. Kies hieronder “PDF downloaden” of “CSV downloaden”."),
        )
        return redirect("privacy_processing_record")
    content_type, render = FORMATS[file_format]
    record = selectors.processing_record(language=language)
    body = render(record)
    services.record_download(by=request.user, file_format=file_format, language=language)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{record_documents.filename(record, file_format)}"'
    response["Cache-Control"] = "no-store"
    return response
