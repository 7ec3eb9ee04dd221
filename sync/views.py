"""The Synchronisatie page of the beheeromgeving: the runs, the open errors with Exact's
message and our hint, which flows are on, and the customer's four buttons. Views are thin:
the selectors read, the services in ``sync.services.actions`` change and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from koppeling.selectors import koppeling_status
from sync import selectors
from sync.services import actions

ERRORS_SHOWN = 100


@login_required
@never_cache
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = koppeling_status(user=user)
    errors = selectors.open_errors(user=user, limit=ERRORS_SHOWN)
    context = {
        "status": status,
        "flows": selectors.flows_state(user=user, settings=status.settings),
        "page": selectors.runs_page(user=user, page=request.GET.get("pagina")),
        "errors": errors,
        "error_count": selectors.open_error_count(user=user) if len(errors) >= ERRORS_SHOWN else len(errors),
        "waiting": selectors.waiting_count(user=user),
        "next_run_at": selectors.next_run_at(user=user),
    }
    return render(request, "sync/overview.html", context)


def _order_id(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


@login_required
@require_POST
def retry(request: HttpRequest) -> HttpResponse:
    """ "Opnieuw proberen" for one failed order (the order's id in the form)."""
    order_id = _order_id(request.POST.get("order", ""))
    try:
        if order_id is None:
            raise actions.SyncActionError(_("Deze bestelling staat niet (meer) bij de fouten."))
        order = actions.retry_order(user=request.user, by=request.user, order_id=order_id)
    except actions.SyncActionError as error:
        messages.error(request, str(error))
    else:
        if koppeling_status(user=request.user).may_run:
            text = _("Bestelling %(number)s staat weer klaar; de koppeling stuurt haar nu opnieuw naar Exact Online.")
        else:
            text = _(
                "Bestelling %(number)s staat weer klaar; de koppeling stuurt haar naar Exact Online zodra de "
                "koppeling weer actief is."
            )
        messages.success(request, text % {"number": order.number})
    return redirect("sync:overview")


@login_required
@require_POST
def retry_all(request: HttpRequest) -> HttpResponse:
    count = actions.retry_all_failed(user=request.user, by=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)d bestelling staat weer klaar en gaat opnieuw naar Exact Online.",
                "%(n)d bestellingen staan weer klaar en gaan opnieuw naar Exact Online.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(request, _("Er zijn geen fouten om opnieuw te proberen."))
    return redirect("sync:overview")


@login_required
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    try:
        queued = actions.sync_now(user=request.user, by=request.user)
    except actions.SyncActionError as error:
        messages.error(request, str(error))
    else:
        if queued:
            messages.success(request, _("De synchronisatie is gestart. Vernieuw de pagina over een minuut."))
        else:
            messages.info(request, _("Er is net al een synchronisatie gestart; die loopt nog."))
    return redirect("sync:overview")


@login_required
@require_POST
def test_connection(request: HttpRequest) -> HttpResponse:
    result = actions.test_connection(user=request.user, by=request.user)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("sync:overview")
