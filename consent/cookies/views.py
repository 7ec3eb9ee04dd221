"""The cookie settings page and the one endpoint that takes a cookie decision.

django-cookie-consent's own accept/decline views are not mounted: they would set its
cookie without our proof. Both the banner and the settings page post here, as plain forms
(no JavaScript needed); the banner's script posts the same form with fetch and gets JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from cookie_consent.conf import settings as library_settings
from cookie_consent.models import CookieGroup
from cookie_consent.util import set_cookie_dict_to_response
from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from consent.cookies import selectors as cookies
from consent.cookies import services
from core.client_ip import resolve_client_ip

ACCEPT, REJECT, SAVE = "accept", "reject", "save"
_GROUP_FIELD = "group-{}"
_LOCAL_PATH = re.compile(r"^/(?![/\\])[!-~]*$")


class CookieChoiceForm(forms.Form):
    """ "Accepteren" / "Weigeren" for every optional group, or "Keuze opslaan" with a
    choice per group. Anything else in the POST (an unknown group, a forged value) makes
    the whole form invalid: nothing is recorded."""

    choice = forms.ChoiceField(choices=[(ACCEPT, ACCEPT), (REJECT, REJECT), (SAVE, SAVE)])
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, data, *, groups: list[CookieGroup]) -> None:
        super().__init__(data)
        self.groups = groups
        for group in groups:
            self.fields[_GROUP_FIELD.format(group.varname)] = forms.ChoiceField(
                choices=[(ACCEPT, ACCEPT), (REJECT, REJECT)], required=False
            )

    def clean_next(self) -> str:
        # A path on this site, as the pages write it (percent-encoded, no control characters).
        target = self.cleaned_data["next"]
        if target and not _LOCAL_PATH.match(target):
            raise forms.ValidationError("not a local path")
        return target

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unknown = set(self.data) - set(self.fields) - {"csrfmiddlewaretoken"}
        if unknown:
            raise forms.ValidationError(gettext_lazy("Uw keuze noemt een soort cookie die wij niet kennen."))
        if cleaned.get("choice") == SAVE:
            for group in self.groups:
                if not cleaned.get(_GROUP_FIELD.format(group.varname)):
                    raise forms.ValidationError(gettext_lazy("Kies voor elke soort cookie of u die toestaat."))
        return cleaned

    def decision(self) -> tuple[list[str], list[str]]:
        choice = self.cleaned_data["choice"]
        accepted, refused = [], []
        for group in self.groups:
            wants = choice == ACCEPT or (
                choice == SAVE and self.cleaned_data[_GROUP_FIELD.format(group.varname)] == ACCEPT
            )
            (accepted if wants else refused).append(group.varname)
        return accepted, refused


@dataclass(frozen=True)
class GroupRow:
    varname: str
    name: str
    description: str
    required: bool
    state: str  # "accepted", "refused" or "" (no decision in force)
    cookies: list[tuple[str, Any]]


def group_rows(request: HttpRequest) -> list[GroupRow]:
    decision = cookies.decision_in_force(request)
    rows = []
    for group in CookieGroup.objects.prefetch_related("cookie_set").order_by("ordering", "varname"):
        name, description = cookies.group_text(group)
        state = ""
        if decision is not None and not group.is_required:
            state = "accepted" if group.varname in decision.accepted else "refused"
        rows.append(
            GroupRow(
                varname=group.varname,
                name=name,
                description=description,
                required=group.is_required,
                state=state,
                cookies=cookies.group_cookies(group),
            )
        )
    return rows


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _settings_page(request: HttpRequest, *, error: str = "", status: int = HTTPStatus.OK) -> HttpResponse:
    decision = cookies.decision_in_force(request)
    remembered = cookies.remembered_decision(request)
    context = {
        "groups": group_rows(request),
        "decision": decision,
        "expires_at": cookies.expires_at(decision.decided_at) if decision else None,
        "lapsed": remembered if decision is None else None,
        "error": error,
    }
    return render(request, "consent/cookies.html", context, status=status)


@never_cache
@require_GET
def cookie_settings(request: HttpRequest) -> HttpResponse:
    return _settings_page(request)


@never_cache
@require_POST
def cookie_choice(request: HttpRequest) -> HttpResponse:
    form = CookieChoiceForm(request.POST, groups=cookies.optional_groups())
    if not form.is_valid():
        message = _("Uw keuze kon niet worden verwerkt. Kies opnieuw met de knoppen op deze pagina.")
        if form.non_field_errors():
            message = f"{form.non_field_errors()[0]} {message}"
        if _is_fetch(request):
            return JsonResponse({"error": message}, status=HTTPStatus.BAD_REQUEST)
        return _settings_page(request, error=message, status=HTTPStatus.BAD_REQUEST)

    accepted, refused = form.decision()
    previous = cookies.decision_in_force(request)
    record = services.cookie_choice_record(
        accepted=accepted,
        refused=refused,
        user=request.user,
        ip=resolve_client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        previous_accepted=sorted(previous.accepted) if previous else (),
    )
    message = _("Uw cookiekeuze is opgeslagen (toestemmings-id %(id)s).") % {"id": record.consent_id}
    if _is_fetch(request):
        response: HttpResponse = JsonResponse(
            {"analytics": cookies.ANALYTICS in accepted, "consentId": record.consent_id, "message": message}
        )
    else:
        messages.success(request, message)
        target = form.cleaned_data.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("cookies:settings")
        response = redirect(target)
    remember(request, response, record)
    return response


# --- the browser's copy of the decision (written on the response) ---------------------------


def remember(request: HttpRequest, response: HttpResponseBase, record) -> None:
    """Write the decision of ``record`` into both cookies of ``response``; when analytics
    was refused, expire the analytics cookies the browser sent (the page's script removes
    those set for a parent domain)."""
    accepted = set(record.accepted)
    state = {
        group.varname: group.get_version() if group.varname in accepted else library_settings.COOKIE_CONSENT_DECLINE
        for group in cookies.optional_groups()
    }
    set_cookie_dict_to_response(response, state)
    payload = {
        "i": record.consent_id,
        "t": int(record.decided_at.timestamp()),
        "r": record.cookie_revision,
        "a": sorted(accepted),
    }
    response.set_cookie(
        cookies.proof_cookie_name(),
        signing.dumps(payload, salt=cookies.SIGNING_SALT, compress=True),
        max_age=library_settings.COOKIE_CONSENT_MAX_AGE,
        secure=library_settings.COOKIE_CONSENT_SECURE,
        httponly=True,
        samesite="Lax",
    )
    if cookies.ANALYTICS not in accepted:
        forget_analytics_cookies(request, response)


def forget_analytics_cookies(request: HttpRequest, response: HttpResponseBase) -> None:
    for name in request.COOKIES:
        if cookies.is_analytics_cookie(name):
            response.delete_cookie(name, path="/", samesite="Lax")
