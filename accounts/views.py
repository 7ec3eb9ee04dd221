from __future__ import annotations

from http import HTTPStatus

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import CloseAccountForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    current = services.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            services.profile_update(user=request.user, by=request.user, data=form.cleaned_data)
            messages.success(request, _("Uw gegevens zijn opgeslagen."))
            return redirect("accounts:profile")
        messages.error(request, _("Niet opgeslagen: verbeter de gemarkeerde velden."))
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    # The billing address's status as stored (a form with errors has not saved a new one).
    stored = services.profile_for(request.user) if form.errors else current
    return render(request, "accounts/profile.html", {"form": form, "profile": stored}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        if limited:
            return limited
    form = CloseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_close(user=request.user, by=request.user, reason=form.cleaned_data["reason"])
        logout(request)
        return redirect("account_closed")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request,
        "accounts/close.html",
        {"form": form, **services.account_close_preview(user=request.user)},
        status=status,
    )


def closed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/closed.html")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """axes' lockout page: HTTP 429 in the visitor's language."""
    return render(request, "accounts/locked_out.html", {"minutes": 15}, status=HTTPStatus.TOO_MANY_REQUESTS)


@login_required
@require_http_methods(["GET"])
def mfa_invitation_needed(request: HttpRequest) -> HttpResponse:
    """Where ``StaffMFARequiredMiddleware`` sends staff without a second factor and without an
    opened invitation."""
    return render(request, "accounts/mfa_invitation.html", {"refused": False})


@login_required
@require_http_methods(["GET"])
def mfa_invitation(request: HttpRequest, token: str) -> HttpResponse:
    from accounts import mfa_invitation as invitation
    from accounts.middleware import has_mfa

    if has_mfa(request.user):
        return redirect("mfa_index")
    if not services.mfa_invitation_use(user=request.user, token=token[:500]):
        return render(request, "accounts/mfa_invitation.html", {"refused": True}, status=HTTPStatus.BAD_REQUEST)
    request.session[invitation.SESSION_KEY] = request.user.pk
    return redirect("mfa_activate_totp")
