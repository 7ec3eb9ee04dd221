from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent.marketing import selectors, services, tokens
from consent.marketing.forms import OBJECT, RECEIVE, PreferencesForm

ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """E-mailvoorkeuren: see and change the choice about marketing mail."""
    current = selectors.preference_for(request.user)
    objected = current is not None and current.objected
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, initial={"marketing": OBJECT if objected else RECEIVE}
    )
    if request.method == "POST":
        if form.is_valid():
            services.preference_set(
                user=request.user,
                objected=form.objected,
                via=services.Via.PREFERENCES,
                by=request.user,
                language=get_language(),
            )
            messages.success(request, _("Uw e-mailvoorkeuren zijn opgeslagen."))
            return redirect("consent_marketing:preferences")
        messages.error(request, _("Niet opgeslagen: kies of u aanbiedingen per e-mail wilt ontvangen."))
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request,
        "consent/marketing/preferences.html",
        {"form": form, "objected": objected, "receives": selectors.receives_marketing(request.user)},
        status=status,
    )


def _is_one_click(request: HttpRequest) -> bool:
    """The RFC 8058 request: a POST whose body is ``List-Unsubscribe=One-Click`` (form
    encoded or multipart, as mail providers send it)."""
    try:
        if request.content_type != "multipart/form-data":
            # The exact body, whatever the Content-Type says (read before the form parser).
            if request.body.strip() == f"{ONE_CLICK_FIELD}={ONE_CLICK_VALUE}".encode():
                return True
        return request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE
    except (MultiPartParserError, RawPostDataException, SuspiciousOperation, BadRequest, OSError, ValueError):
        return False


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """The CSRF check this view skipped (it is exempt for the one-click POST only)."""
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button. POST ``List-Unsubscribe=One-Click`` (the button, or the
    mail client's one-click request): object to marketing mail at once, no login, no cookie.
    The answer is the same whether or not the address has an account."""
    try:
        tokens.read_token(token)
    except tokens.InvalidToken:
        return render(request, "consent/marketing/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
    if request.method == "POST":
        if not _is_one_click(request):
            refusal = _csrf_refusal(request)
            if refusal is not None:
                return refusal
            return render(request, "consent/marketing/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
        services.unsubscribe(token=token)
        return render(request, "consent/marketing/unsubscribed.html")
    return render(
        request,
        "consent/marketing/unsubscribe.html",
        {"token": token, "one_click_field": ONE_CLICK_FIELD, "one_click_value": ONE_CLICK_VALUE},
    )
