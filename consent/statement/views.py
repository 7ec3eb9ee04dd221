"""Pages of the privacy statement: the version in force at /privacy/, every published version
at its own URL with a list, drafts as a preview for staff, and the portal notice about an
announced version."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from consent.models import StatementVersion
from consent.statement import selectors as statement
from consent.statement import services as statement_services


def _language() -> str:
    return "en" if (translation.get_language() or "nl").startswith("en") else "nl"


def _render_version(request: HttpRequest, version: StatementVersion, *, is_current: bool) -> HttpResponse:
    language = _language()
    current = statement.current_info()
    latest = statement.latest_info()
    if version.is_published and request.user.is_authenticated:
        statement_services.record_opening(version=version, user=request.user)
        if latest is not None and latest.pk == version.pk and request.session.get(statement.SESSION_KEY) != version.pk:
            request.session[statement.SESSION_KEY] = version.pk  # the notice needs no query any more
    context: dict[str, Any] = {
        "version": version,
        "is_current": is_current,
        "is_draft": not version.is_published,
        "is_upcoming": version.is_published and version.effective_date > statement.today(),
        "is_superseded": version.is_published
        and current is not None
        and current.pk != version.pk
        and version.effective_date <= statement.today(),
        "current_number": current.number if current else None,
        "sections": statement.sections(version, language),
        "data": statement.data_sections_for(version, language),
    }
    response = render(request, "consent/statement.html", context)
    if not version.is_published:
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    version = statement.current_version()
    if version is None:
        raise Http404
    return _render_version(request, version, is_current=True)


@never_cache
@require_GET
def privacy_version(request: HttpRequest, number: str) -> HttpResponse:
    """A version by number; drafts only for staff (a preview), anything else unknown is 404."""
    version = statement.find_version(number, include_drafts=request.user.is_staff)
    if version is None:
        raise Http404
    current = statement.current_info()
    return _render_version(request, version, is_current=current is not None and current.pk == version.pk)


@require_GET
def privacy_versions(request: HttpRequest) -> HttpResponse:
    today = statement.today()
    current = statement.current_info()
    versions = [
        {
            "number": v.number,
            "effective_date": v.effective_date,
            "is_current": current is not None and current.pk == v.pk,
            "is_upcoming": v.effective_date > today,
            "url": reverse("privacy_version", args=[v.number]),
        }
        for v in statement.published_versions().order_by("-effective_date", "-number").only("number", "effective_date")
    ]
    return render(request, "consent/statement_versions.html", {"versions": versions})


def notice(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the announced version the customer has not opened yet. Lazy (no
    work unless a page shows it), cached state plus at most one indexed query."""

    def compute() -> dict[str, Any] | None:
        info = statement.notice_for(getattr(request, "user", None), session=getattr(request, "session", None))
        if info is None:
            return None
        return {
            "number": info.number,
            "effective_date": info.effective_date,
            "in_force": info.effective_date <= statement.today(),
            "url": reverse("privacy_version", args=[info.number]),
        }

    return {"statement_notice": SimpleLazyObject(compute)}
