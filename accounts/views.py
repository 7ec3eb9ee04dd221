from __future__ import annotations

from http import HTTPStatus

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import billing_email, services
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
@require_POST
def billing_email_resend(request: HttpRequest) -> HttpResponse:
    """Mail the confirmation link for the billing address again (once a minute at most)."""
    if billing_email.confirmation_resend(user=request.user):
        messages.success(request, _("We hebben de bevestigingslink opnieuw gemaild."))
    else:
        messages.error(
            request,
            _("Er is geen e-mailadres voor facturen dat nog bevestigd moet worden, of u vroeg net al een link."),
        )
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def billing_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new billing address: GET shows what is asked (a mail scanner
    that follows links confirms nothing), the button confirms. No login needed: the holder
    of the address may be the customer's bookkeeper."""
    try:
        pending = billing_email.pending_confirmation(token=token)
        if request.method == "POST":
            billing_email.billing_email_confirm(token=token)
            return render(request, "accounts/billing_email_confirmed.html", {"email": pending.email})
    except billing_email.InvalidLink:
        return render(request, "accounts/billing_email_invalid.html", status=HTTPStatus.NOT_FOUND)
    return render(request, "accounts/billing_email_confirm.html", {"email": pending.email, "token": token})


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
    return render(request, "accounts/close.html", {"form": form, **_closure_preview(request.user)}, status=status)


def _closure_preview(user) -> dict:
    """What closing now would mean: until when the account is kept, and what happens to a
    live subscription and its money (the same outcome the closing mail repeats)."""
    from accounts.personal_data import ACCOUNT_PERIOD
    from subscriptions.closure import closure_outcome

    return {
        "kept_until": ACCOUNT_PERIOD.last_day(timezone.now()),
        "billing": closure_outcome(user=user).as_context(),
    }


def closed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/closed.html")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """axes' lockout page: HTTP 429 in the visitor's language."""
    return render(request, "accounts/locked_out.html", {"minutes": 15}, status=HTTPStatus.TOO_MANY_REQUESTS)
