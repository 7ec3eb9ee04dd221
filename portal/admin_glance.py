"""A customer at a glance: one admin page per customer that gathers what staff otherwise
piece together from separate admin lists (issue 19 item 1).

It lives in ``portal`` because it reads every app (portal is the top layer), each through
that app's selectors only; every block is a bounded number of queries whatever the
customer's history (``portal/tests/test_admin_glance.py`` counts them). The payment method
comes from Mollie's mandate (``subscriptions.services.mandate_details``: cached, one call at
most, "niet beschikbaar" when Mollie does not answer)."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import customer_actions, services
from accounts import selectors as account_selectors
from accounts.models import User
from audit import selectors as audit_selectors
from audit.events import Action, ActorKind
from audit.services import record
from koppeling import selectors as koppeling_selectors
from retention import selectors as retention_selectors
from subscriptions import selectors as billing_selectors
from subscriptions.services import mandate_details
from sync import selectors as sync_selectors
from vies import selectors as vies_selectors

AUDIT_EVENTS = 20
DOCUMENTS = 20
OPEN_ERRORS = 10

# The rows the billing selector reads with the subscription (one query): what the
# koppeling's state and the payment method need.
_RELATED = ("user__exact_connection", "user__koppeling_settings", "customer")


NOTES = 50


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Nieuwe interne notitie (de klant ziet hem in zijn gegevensexport)"),
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={
            "required": gettext_lazy("Schrijf eerst een notitie."),
            "max_length": gettext_lazy("Een notitie is hooguit %(limit_value)s tekens."),
        },
    )


def glance_url(customer: User) -> str:
    return reverse("customer_glance", args=[customer.pk])


def _actor(event, customer: User) -> str:
    """Who did it, as staff read it (the customer's own page says "U")."""
    if event.actor_kind == ActorKind.CUSTOMER and event.actor_id == customer.pk:
        return _("Klant")
    return audit_selectors.actor_for(event, user=customer)


def customer_glance(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("accounts.view_user"):
        raise PermissionDenied
    customer = User.objects.filter(pk=pk, is_staff=False).select_related("profile").first()
    if customer is None:
        raise Http404
    may_write = request.user.has_perm("accounts.add_staffnote")
    note_form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if note_form.is_valid():
            try:
                services.staff_note_add(customer=customer, by=request.user, text=note_form.cleaned_data["text"])
            except services.AccountError as exc:
                note_form.add_error("text", str(exc))
            else:
                messages.success(request, _("De notitie is opgeslagen."))
                return redirect(glance_url(customer))
    profile = billing_selectors.profile_of(customer)
    vat_check = vies_selectors.latest_check(user=customer, vat_id=profile.vat_id) if profile else None
    billing = billing_selectors.billing_summary(user=customer, related=_RELATED)
    koppeling = koppeling_selectors.koppeling_status(user=customer, billing=billing)
    subscription = billing.subscription
    payment_method = (
        mandate_details.payment_method_shown(subscription=subscription)
        if subscription is not None and subscription.is_live
        else None
    )
    events = list(audit_selectors.customer_events(user=customer)[:AUDIT_EVENTS])
    actions = [
        (reverse("admin:accounts_user_customer_action", args=[customer.pk, action.name]), action.label)
        for action in customer_actions.all_actions()
        if action.available(customer) and request.user.has_perm(action.permission)
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Klant in één oogopslag: %(name)s") % {"name": customer.get_username()},
        "customer": customer,
        "profile": profile,
        "vat_check": vat_check,
        "vat_valid_until": vies_selectors.valid_until(vat_check) if vat_check else None,
        "billing": billing,
        "subscription": subscription,
        "plan_change": billing_selectors.scheduled_plan_change(subscription=subscription),
        "payment_method": payment_method,
        "documents": billing_selectors.billing_documents(user=customer, limit=DOCUMENTS),
        "koppeling": koppeling,
        "sync": sync_selectors.summary(user=customer),
        "open_errors": sync_selectors.open_errors(user=customer, limit=OPEN_ERRORS),
        "holds": retention_selectors.legal_holds(user=customer),
        "events": [(event, _actor(event, customer)) for event in events],
        "actions": actions,
        "notes": account_selectors.staff_notes(user=customer, limit=NOTES),
        "note_form": note_form if may_write else None,
        "change_url": reverse("admin:accounts_user_change", args=[customer.pk]),
        "opts": User._meta,
    }
    if request.method == "GET":
        # Opening the page is a look at the customer's data, recorded as the admin's change
        # page records it (after the events above were read: the list shows earlier visits).
        with transaction.atomic():
            record(Action.ADMIN_VIEWED, actor=request.user, subject=customer, target=customer)
    status = HTTPStatus.BAD_REQUEST if note_form.errors else HTTPStatus.OK
    return TemplateResponse(request, "admin/portal/customer_glance.html", context, status=status)
