"""The beheeromgeving: connect Exact Online, choose the administration, the settings and the
webshop's API keys. Views are thin: forms validate, services change, ``exact`` calls out."""

from __future__ import annotations

import secrets
import time
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koppeling import exact, services
from koppeling.forms import ApiKeyForm, DivisionForm, SettingsForm
from koppeling.models import ApiKey, Connection
from koppeling.selectors import koppeling_status

SESSION_STATE = "koppeling_oauth"
STATE_LIFETIME = 10 * 60  # seconds between "Verbinden" and Exact's callback


def _exact_message(exc: Exception) -> str:
    if isinstance(exc, exact.ExactRateLimited):
        return _(
            "Exact Online vraagt ons even te wachten (te veel verzoeken). Probeer het over %(s)d seconden opnieuw."
        ) % {"s": exc.retry_after}
    if isinstance(exc, services.KoppelingError):
        return str(exc)
    return _("Exact Online is nu niet bereikbaar. Probeer het later opnieuw.")


def _page(request: HttpRequest, *, form: SettingsForm | None = None, status: int = HTTPStatus.OK) -> HttpResponse:
    state = koppeling_status(user=request.user)
    if form is None:
        initial = state.settings.snapshot() if state.settings else {"sync_interval_minutes": 60}
        form = SettingsForm(initial=initial, connection=state.connection)
    if not state.editable:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "status": state,
        "connection": state.connection,
        "form": form,
        "live_keys": ApiKey.objects.filter(user=request.user, revoked_at__isnull=True).count(),
    }
    return render(request, "koppeling/overview.html", context, status=status)


@login_required
@never_cache
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    """Start Exact's authorization-code flow; the state is bound to this session, single use."""
    state = secrets.token_urlsafe(32)
    request.session[SESSION_STATE] = {"state": state, "at": int(time.time())}
    return HttpResponseRedirect(exact.authorize_url(state=state))


def _callback_error(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "koppeling/callback_error.html", {"message": message}, status=HTTPStatus.BAD_REQUEST)


@login_required
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(SESSION_STATE, None)  # single use, whatever happens next
    given = request.GET.get("state", "")
    if (
        not isinstance(expected, dict)
        or not given
        or len(given) > 200
        or not secrets.compare_digest(str(expected.get("state", "")).encode(), given.encode())
    ):
        return _callback_error(request, _("Deze koppelpoging is ongeldig. Start opnieuw vanuit de beheeromgeving."))
    if time.time() - int(expected.get("at", 0)) > STATE_LIFETIME:
        return _callback_error(request, _("Deze koppelpoging is verlopen. Start opnieuw vanuit de beheeromgeving."))
    if request.GET.get("error"):
        messages.info(request, _("U heeft Exact Online geen toegang gegeven; er is niets gekoppeld."))
        return redirect("koppeling:overview")
    code = request.GET.get("code", "")
    if not code or len(code) > 2000:
        return _callback_error(request, _("Exact Online stuurde geen geldige code. Start opnieuw."))
    try:
        tokens = exact.exchange_code(code=code)
        me = exact.me(access_token=tokens.access_token)
        if me.current_division is None:
            raise exact.ExactError("no current division")
        divisions = exact.divisions(access_token=tokens.access_token, current_division=me.current_division)
    except exact.ExactGrantError:
        return _callback_error(request, _("De code van Exact Online is verlopen of al gebruikt. Start opnieuw."))
    except exact.ExactError as exc:
        return _callback_error(request, _exact_message(exc))
    if not divisions:
        return _callback_error(request, _("Uw Exact Online-gebruiker heeft geen administraties."))
    services.connection_authorize(user=request.user, by=request.user, tokens=tokens, me=me, divisions=divisions)
    return redirect("koppeling:choose")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    connection = Connection.objects.filter(user=request.user).first()
    if connection is None or not connection.has_tokens:
        messages.info(request, _("Verbind eerst met Exact Online."))
        return redirect("koppeling:overview")
    form = DivisionForm(request.POST or None, connection=connection)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.connection_choose_division(
                    user=request.user, by=request.user, division=form.cleaned_data["division"]
                )
            except services.KoppelingError as exc:
                form.add_error("division", str(exc))
            else:
                try:
                    services.options_refresh(user=request.user)
                except (exact.ExactError, services.KoppelingError) as exc:
                    messages.warning(request, _exact_message(exc))
                messages.success(request, _("De administratie is gekoppeld."))
                return redirect("koppeling:overview")
        return render(request, "koppeling/choose.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
    return render(request, "koppeling/choose.html", {"form": form})


CONFIRM = "ja"  # the confirmation pages' buttons send confirm=ja; anything else changes nothing


@login_required
@require_http_methods(["GET", "POST"])
def disconnect(request: HttpRequest) -> HttpResponse:
    """In two steps: GET says what disconnecting does, its button POSTs ``confirm=ja``."""
    connection = Connection.objects.filter(user=request.user).first()
    if request.method == "POST" and request.POST.get("confirm") == CONFIRM:
        services.connection_disconnect(user=request.user, by=request.user)
        messages.success(
            request, _("De verbinding met Exact Online is verbroken; de toegangssleutels zijn verwijderd.")
        )
        return redirect("koppeling:overview")
    if connection is None:
        return redirect("koppeling:overview")
    return render(request, "koppeling/disconnect_confirm.html", {"connection": connection, "confirm": CONFIRM})


@login_required
@require_POST
def settings_save(request: HttpRequest) -> HttpResponse:
    status = koppeling_status(user=request.user)
    if not status.editable:
        messages.error(request, _("Zonder lopend abonnement kunt u de koppeling niet wijzigen."))
        return _page(request, status=HTTPStatus.FORBIDDEN)
    form = SettingsForm(request.POST, connection=status.connection)
    if not form.is_valid():
        messages.error(request, _("Niet opgeslagen: verbeter de gemarkeerde velden."))
        return _page(request, form=form, status=HTTPStatus.BAD_REQUEST)
    try:
        services.settings_update(user=request.user, by=request.user, data=form.cleaned_data)
    except services.KoppelingError as exc:
        messages.error(request, str(exc))
        return _page(request, form=form, status=HTTPStatus.BAD_REQUEST)
    messages.success(request, _("De instellingen zijn opgeslagen."))
    for warning in form.rate_warnings():
        messages.warning(request, warning)
    return redirect("koppeling:overview")


@login_required
@require_POST
def options_refresh(request: HttpRequest) -> HttpResponse:
    try:
        services.options_refresh(user=request.user)
    except (exact.ExactError, services.KoppelingError) as exc:
        messages.error(request, _exact_message(exc))
    else:
        messages.success(request, _("De lijsten uit Exact Online zijn vernieuwd."))
    return redirect("koppeling:overview")


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    services.koppeling_pause(user=request.user, by=request.user)
    messages.success(request, _("De koppeling is gepauzeerd."))
    return redirect("koppeling:overview")


@login_required
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    try:
        services.koppeling_resume(user=request.user, by=request.user)
    except services.KoppelingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("De koppeling is hervat."))
    return redirect("koppeling:overview")


def _keys_page(request, *, form: ApiKeyForm, new_key: str = "", status: int = HTTPStatus.OK) -> HttpResponse:
    keys = ApiKey.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    context = {
        "form": form,
        "keys": keys,
        "new_key": new_key,
        "editable": koppeling_status(user=request.user).editable,
        "max_live": ApiKey.MAX_LIVE,
        "site_url": settings.SITE_URL,
    }
    response = render(request, "koppeling/api_keys.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page that shows a new key is never cached
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _keys_page(request, form=ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, form=form, status=HTTPStatus.BAD_REQUEST)
    try:
        _key, raw = services.api_key_create(user=request.user, by=request.user, name=form.cleaned_data["name"])
    except services.KoppelingError as exc:
        form.add_error(None, str(exc))
        return _keys_page(request, form=form, status=HTTPStatus.BAD_REQUEST)
    # Shown in this response only; the next page load shows the prefix alone.
    return _keys_page(request, form=ApiKeyForm(), new_key=raw)


@login_required
@require_http_methods(["GET", "POST"])
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """In two steps: GET names the key and what revoking does (the webshop using it stops at
    once), its button POSTs ``confirm=ja``."""
    key = ApiKey.objects.filter(user=request.user, pk=key_id, revoked_at__isnull=True).first()
    if key is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm") == CONFIRM:
        try:
            key = services.api_key_revoke(user=request.user, by=request.user, key_id=key_id)
        except ApiKey.DoesNotExist as exc:
            raise Http404 from exc
        messages.success(request, _("De sleutel %(name)s is ingetrokken.") % {"name": key.name})
        return redirect("koppeling:api_keys")
    return render(request, "koppeling/api_key_revoke_confirm.html", {"key": key, "confirm": CONFIRM})
