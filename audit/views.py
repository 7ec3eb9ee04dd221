"""The customer's own activity log ("Activiteit") and its CSV download."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit import selectors
from audit.events import Action
from audit.forms import ActivityFilterForm

PER_PAGE = 25


def _filtered(request: HttpRequest):
    form = ActivityFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    events = selectors.customer_events(
        user=request.user, kind=data.get("kind") or "", start=data.get("start"), end=data.get("end")
    )
    return form, events


def _label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action


@login_required
@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    if events is None:
        messages.error(request, _("Niet gefilterd: verbeter de gemarkeerde velden."))
        return render(request, "audit/activity.html", {"form": form, "page": None}, status=HTTPStatus.BAD_REQUEST)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("pagina"))
    rows = [
        {
            "event": event,
            "label": _label(event.action),
            "actor": selectors.actor_for(event, user=request.user),
            "changes": selectors.change_lines(event),
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request, "audit/activity.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """Spreadsheet programs run cells that start with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def activity_csv(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    if events is None:
        messages.error(request, _("Niet gedownload: verbeter de gemarkeerde velden."))
        return render(request, "audit/activity.html", {"form": form, "page": None}, status=HTTPStatus.BAD_REQUEST)
    # Dutch spreadsheet programs split on ";" (the comma is their decimal sign); one line of
    # words per change, no JSON, no internal codes.
    writer = csv.writer(_Echo(), delimiter=";")
    user = request.user

    def rows() -> Iterator[str]:
        yield "\ufeff"  # lets spreadsheet programs read the file as UTF-8
        yield writer.writerow(
            [
                _("Datum"),
                _("Tijd"),
                _("Gebeurtenis"),
                _("Door"),
                _("Wijzigingen"),
                _("IP-adres"),
                _("Browser"),
                _("Kenmerk voor support"),
            ]
        )
        for event in events.iterator(chunk_size=2000):
            moment = timezone.localtime(event.occurred_at)
            yield writer.writerow(
                [
                    _cell(v)
                    for v in (
                        formats.date_format(moment, "SHORT_DATE_FORMAT"),
                        formats.time_format(moment, "H:i:s"),
                        _label(event.action),
                        selectors.actor_for(event, user=user),
                        "; ".join(selectors.change_lines(event)),
                        event.ip,
                        event.user_agent,
                        event.request_id,
                    )
                ]
            )

    filename = f"activiteit-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
