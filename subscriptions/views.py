"""The customer's subscription pages under /portal/abonnement/. Thin: services do the work."""

from __future__ import annotations

import re
from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import validation
from subscriptions import mollie, services
from subscriptions.einvoice.ubl import CONTENT_TYPE as UBL_CONTENT_TYPE
from subscriptions.models import CancelReason, CreditNote, Invoice, Payment, Plan, PlanChange, Subscription, with_vat
from subscriptions.pricing import pricing_plans
from subscriptions.selectors import (
    INVOICE_STATUS_LABELS,
    invoice_status,
    invoices_with_status,
    next_charge_amount,
    next_invoice_preview,
    vat_decision,
)
from subscriptions.services import billing_email
from subscriptions.services.mandate_details import payment_method_shown


def _unreachable_message() -> str:
    return _(
        "Mollie, onze betaaldienst, is op dit moment niet bereikbaar. Er is niets afgeschreven. "
        "Probeer het over een paar minuten opnieuw."
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    subscriptions = Subscription.objects.filter(user=request.user).select_related("plan")
    current = subscriptions.filter(status__in=Subscription.LIVE).first()
    open_payment = None
    if current is not None and current.status == Subscription.Status.PENDING:
        open_payment = current.payments.filter(sequence_type=Payment.Sequence.FIRST).order_by("-id").first()
    dunning = None
    if current is not None and current.in_dunning:
        dunning = services.dunning_schedule(subscription=current)
        # A "Nu betalen" that reached Mollie and waits for its outcome.
        open_payment = current.payments.filter(
            arrears_of__isnull=False,
            status__in=[Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED],
        ).first()
    vat = vat_decision(user=request.user)
    context = {
        "plans": Plan.objects.filter(active=True),
        "billing_missing": current is None and bool(services.billing_details_missing(user=request.user)),
        "current": current,
        "open_payment": open_payment,
        "dunning": dunning,
        "past": subscriptions.exclude(status__in=Subscription.LIVE)[:10],
        "invoices": _with_status(_with_credit_notes(Invoice.objects.filter(user=request.user))),
        "next_invoice": next_invoice_preview(subscription=current, user=request.user) if current is not None else None,
        "reverse_charge": current is None and vat.reverse_charge,
        "vat_note": vat.note if current is None else "",
        "pending_change": _pending_change(current),
        "payment_method": (
            payment_method_shown(subscription=current)
            if current is not None and current.status in (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED)
            else None
        ),
        "next_charge": next_charge_amount(subscription=current) if current is not None else None,
    }
    return render(request, "subscriptions/overview.html", context)


def _to_checkout(request: HttpRequest, payment: Payment, *, on_error: str = "") -> HttpResponse:
    """Off to Mollie's checkout; if Mollie cannot be reached, back with a message (to the
    return page, or to ``on_error``)."""
    back = redirect(on_error) if on_error else redirect("subscriptions:payment_return", payment_id=payment.pk)
    try:
        url = services.first_payment_checkout(payment=payment)
    except mollie.MollieUnavailable:
        messages.error(request, _unreachable_message())
        return back
    except mollie.MollieMisconfigured:
        # Ours to fix (logged for ops); the attempt was closed, nothing is left open.
        messages.error(
            request,
            _(
                "Betalen is op dit moment niet mogelijk door een storing aan onze kant. Er is niets "
                "afgeschreven en er staat niets voor u open. Wij zijn op de hoogte; probeer het later opnieuw."
            ),
        )
        return redirect("subscriptions:overview")
    except mollie.MollieError:
        messages.error(
            request, _("De betaling kon niet worden gestart. Neem contact met ons op als dit blijft gebeuren.")
        )
        return back
    if url:
        return HttpResponseRedirect(url)
    return redirect("subscriptions:payment_return", payment_id=payment.pk)


@login_required
@require_POST
def subscribe(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id, active=True)
    try:
        payment = services.subscription_start(user=request.user, plan=plan)
    except services.AlreadySubscribed as exc:
        live = exc.subscription
        if request.POST.get("replace") != CONFIRM or live is None or live.status != Subscription.Status.PENDING:
            messages.info(request, str(exc))
            return redirect("subscriptions:overview")
        # "Kies in plaats daarvan …" on a request that waits for its first payment.
        if _withdraw_pending(request, live) is None:
            return redirect("subscriptions:overview")
        try:
            payment = services.subscription_start(user=request.user, plan=plan)
        except services.BillingError as again:
            messages.error(request, str(again))
            return redirect("subscriptions:overview")
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:overview")
    return _to_checkout(request, payment)


def _withdraw_pending(request: HttpRequest, subscription: Subscription) -> Subscription | None:
    """Withdraw a request waiting for its first payment; None (with the message) if not."""
    try:
        return services.checkout_withdraw(subscription=subscription, by=request.user)
    except services.BillingError as exc:
        messages.error(request, str(exc))
    except mollie.MollieUnavailable:
        messages.error(request, _unreachable_message())
    except mollie.MollieError:
        messages.error(
            request, _("De betaling kon niet worden geannuleerd. Neem contact met ons op als dit blijft gebeuren.")
        )
    return None


@login_required
@require_POST
def checkout_withdraw(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """ "Aanvraag intrekken": a subscription still waiting for its first payment ends; the
    payment at Mollie is cancelled where Mollie allows it."""
    if _withdraw_pending(request, _own_subscription(request, subscription_id)) is not None:
        messages.success(
            request,
            _("Uw aanvraag is ingetrokken. Er is niets afgeschreven; u kunt hieronder een abonnement kiezen."),
        )
    return redirect("subscriptions:overview")


def _own_payment(request: HttpRequest, payment_id: int) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("subscription__plan"),
        pk=payment_id,
        user=request.user,
        sequence_type=Payment.Sequence.FIRST,
    )


@login_required
@require_POST
def payment_retry(request: HttpRequest, payment_id: int) -> HttpResponse:
    """ "Try again": the same payment if it never reached Mollie or is still open, a new
    attempt if it failed, was cancelled or expired."""
    payment = _own_payment(request, payment_id)
    if payment.status == Payment.Status.CREATED and payment.purpose == Payment.Purpose.MANDATE:
        return _to_verification(request, payment)
    if payment.status == Payment.Status.CREATED:
        return _to_checkout(request, payment)
    if payment.status == Payment.Status.OPEN and payment.checkout_url:
        return HttpResponseRedirect(payment.checkout_url)
    if (
        payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED, Payment.Status.EXPIRED)
        and payment.purpose == Payment.Purpose.MANDATE
    ):
        return _change_method(request, payment.subscription)
    if (
        payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED, Payment.Status.EXPIRED)
        and payment.arrears_of_id
    ):
        return _pay_arrears(request, payment.subscription)
    if payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED, Payment.Status.EXPIRED):
        plan = payment.subscription.plan
        if not plan.active:
            messages.error(request, _("Deze abonnementsvorm is niet meer af te sluiten; kies een andere."))
            return redirect("subscriptions:overview")
        try:
            new_payment = services.subscription_start(user=request.user, plan=plan)
        except services.BillingError as exc:
            messages.info(request, str(exc))
            return redirect("subscriptions:overview")
        return _to_checkout(request, new_payment)
    return redirect("subscriptions:payment_return", payment_id=payment.pk)


@login_required
@require_GET
def payment_return(request: HttpRequest, payment_id: int) -> HttpResponse:
    """Where Mollie sends the customer back. Shows the true status: as long as no webhook
    has told us, we ask Mollie ourselves (and apply the answer through the services)."""
    payment = _own_payment(request, payment_id)
    if payment.mollie_id and not payment.is_final:
        try:
            services.payment_sync(mollie_id=payment.mollie_id)
        except mollie.MollieError:
            pass  # the page shows what we know; the webhook or reconciliation follows
        payment.refresh_from_db()
    subscription = Subscription.objects.select_related("plan").get(pk=payment.subscription_id)
    context = {
        "payment": payment,
        "subscription": subscription,
        "waiting": payment.status in (Payment.Status.OPEN, Payment.Status.PENDING, Payment.Status.AUTHORIZED),
        "failed": payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED, Payment.Status.EXPIRED),
        "arrears": payment.arrears_of_id is not None,
        "method_change": payment.purpose == Payment.Purpose.MANDATE,
    }
    return render(request, "subscriptions/payment_return.html", context)


def _own_subscription(request: HttpRequest, subscription_id: int) -> Subscription:
    return get_object_or_404(Subscription, pk=subscription_id, user=request.user)


def _pay_arrears(request: HttpRequest, subscription: Subscription) -> HttpResponse:
    try:
        payment = services.arrears_payment_start(subscription=subscription, by=request.user)
    except services.BillingError as exc:
        messages.info(request, str(exc))
        return redirect("subscriptions:overview")
    return _to_checkout(request, payment, on_error="subscriptions:overview")


@login_required
@require_POST
def pay_now(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """ "Nu betalen" after a failed automatic charge: a payment for the arrears at Mollie's
    checkout, where another payment method may be chosen."""
    return _pay_arrears(request, _own_subscription(request, subscription_id))


CONFIRM = "ja"


class CancelReasonForm(forms.Form):
    """ "Waarom zegt u op?" on the cancel confirmation: both optional."""

    reason = forms.ChoiceField(
        label=_("Waarom zegt u op? (niet verplicht)"),
        choices=[("", _("Zeg ik liever niet")), *CancelReason.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een reden uit de lijst, of geen.")},
    )
    reason_text = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={
            "max_length": _("Houd de toelichting korter dan 1000 tekens."),
            "null_characters_not_allowed": _("Gebruik in de toelichting geen < > { } \\ of onzichtbare tekens."),
        },
    )

    def clean_reason_text(self) -> str:
        lines = (self.cleaned_data.get("reason_text") or "").replace("\r\n", "\n").split("\n")
        try:
            return "\n".join(validation.plain_text(line) for line in lines).strip()
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Gebruik in de toelichting geen < > { } \\ of onzichtbare tekens."), code="invalid"
            ) from None


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Cancelling in two steps: GET states what happens (the end of the paid period, no
    further charges, the invoices stay), the button POSTs ``confirm=ja``. Anything else
    changes nothing."""
    subscription = get_object_or_404(Subscription.objects.select_related("plan"), pk=subscription_id, user=request.user)
    if subscription.status != Subscription.Status.ACTIVE or subscription.current_period_end is None:
        messages.error(request, _("Alleen een actief abonnement kunt u opzeggen."))
        return redirect("subscriptions:overview")
    if subscription.cancel_at_period_end:
        messages.info(
            request,
            _("Uw abonnement is al opgezegd. Het loopt nog tot en met %(date)s.") % {"date": _last_day(subscription)},
        )
        return redirect("subscriptions:overview")
    status = HTTPStatus.OK
    form = CancelReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("confirm") == CONFIRM and not form.is_valid():
            status = HTTPStatus.BAD_REQUEST
        elif request.POST.get("confirm") == CONFIRM:
            try:
                subscription = services.subscription_cancel_at_period_end(
                    subscription=subscription,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    reason_text=form.cleaned_data["reason_text"],
                )
            except services.BillingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Uw abonnement is opgezegd. Het loopt nog tot en met %(date)s; daarna wordt er niets meer "
                        "afgeschreven. U ontvangt een bevestiging per e-mail."
                    )
                    % {"date": _last_day(subscription)},
                )
            return redirect("subscriptions:overview")
        else:
            messages.error(request, _("Niet opgezegd: bevestig de opzegging met de knop hieronder."))
            status = HTTPStatus.BAD_REQUEST
    context = {"subscription": subscription, "confirm": CONFIRM, "form": form}
    return render(request, "subscriptions/cancel_confirm.html", context, status=status)


@login_required
@require_POST
def cancel_undo(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _own_subscription(request, subscription_id)
    try:
        services.subscription_cancel_undo(subscription=subscription, by=request.user)
    except services.BillingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Uw opzegging is ingetrokken. Uw abonnement loopt gewoon door."))
    return redirect("subscriptions:overview")


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    """The public price list: every plan that can be taken out, excl. and incl. VAT."""
    return render(request, "subscriptions/pricing.html", {"plans": pricing_plans()})


def _last_day(subscription: Subscription) -> str:
    from django.utils.formats import date_format

    return date_format(subscription.paid_through, "j F Y")


# Our numbers are "<year>-<sequence>"; anything else (too long, NUL bytes, other
# characters) is answered 404 before it reaches the database.
DOCUMENT_NUMBER = re.compile(r"[0-9]{4}-[0-9]{5,9}")


# The stored files are only read by their downloads.
FILES = ("pdf", "ubl")


def _with_status(invoices) -> list[Invoice]:
    """The invoices with their status (betaald, open, gecrediteerd) as ``status`` and
    ``status_label``, read in the same query."""
    rows = list(invoices_with_status(invoices))
    for invoice in rows:
        invoice.status = invoice_status(invoice)
        invoice.status_label = INVOICE_STATUS_LABELS[invoice.status]
    return rows


def _with_credit_notes(invoices):
    return invoices.defer(*FILES).prefetch_related(
        Prefetch("credit_notes", queryset=CreditNote.objects.defer(*FILES).order_by("number"))
    )


def _own_document(request: HttpRequest, queryset, number: str):
    if not DOCUMENT_NUMBER.fullmatch(number):
        raise Http404
    return get_object_or_404(queryset, number=number, user=request.user)


def _download(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(document: Invoice | CreditNote) -> HttpResponse:
    """The stored PDF as a download (also used by the admin)."""
    return _download(
        services.document_pdf(document=document), filename=document.pdf_filename, content_type="application/pdf"
    )


def ubl_response(document: Invoice | CreditNote) -> HttpResponse:
    """The stored UBL e-invoice as a download (also used by the admin)."""
    return _download(
        services.document_ubl(document=document), filename=document.ubl_filename, content_type=UBL_CONTENT_TYPE
    )


@login_required
@require_GET
def invoice_detail(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _own_document(request, _with_credit_notes(Invoice.objects.select_related("payment")), number)
    status = invoice_status(invoice)
    return render(
        request,
        "subscriptions/invoice.html",
        {"invoice": invoice, "status": status, "status_label": INVOICE_STATUS_LABELS[status]},
    )


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return pdf_response(_own_document(request, Invoice.objects.defer(*FILES), number))


@login_required
@require_GET
def credit_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return pdf_response(_own_document(request, CreditNote.objects.defer(*FILES), number))


@login_required
@require_GET
def invoice_ubl(request: HttpRequest, number: str) -> HttpResponse:
    return ubl_response(_own_document(request, Invoice.objects.defer(*FILES), number))


@login_required
@require_GET
def credit_note_ubl(request: HttpRequest, number: str) -> HttpResponse:
    return ubl_response(_own_document(request, CreditNote.objects.defer(*FILES), number))


# --- self-service: plan change, payment method ---------------------------------------------


def _pending_change(subscription: Subscription | None) -> PlanChange | None:
    if subscription is None:
        return None
    return subscription.plan_changes.filter(status__in=PlanChange.OPEN).select_related("to_plan", "from_plan").first()


def _plan_options(subscription: Subscription) -> list[dict]:
    """Every other plan that can be taken, with its quote (or why it cannot be taken now)."""
    options = []
    for plan in Plan.objects.filter(active=True).exclude(pk=subscription.plan_id).order_by("interval", "price"):
        try:
            quote = services.plan_change_quote(subscription=subscription, plan=plan)
        except services.BillingError:
            quote = None
        options.append({"plan": plan, "gross": with_vat(plan.price, subscription.vat_rate), "quote": quote})
    return options


def _posted_plan(request: HttpRequest) -> Plan | None:
    value = request.POST.get("plan", "")
    if not re.fullmatch(r"[0-9]{1,9}", value):
        return None
    return Plan.objects.filter(pk=int(value)).first()


def _changeable(request: HttpRequest, subscription_id: int) -> Subscription | None:
    subscription = get_object_or_404(Subscription.objects.select_related("plan"), pk=subscription_id, user=request.user)
    if subscription.status != Subscription.Status.ACTIVE or subscription.current_period_end is None:
        messages.error(request, _("Alleen een actief abonnement kan van abonnementsvorm wisselen."))
        return None
    return subscription


@login_required
@require_http_methods(["GET", "POST"])
def plan_change(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Choose another plan. Choosing leads to the confirmation page of that move; nothing
    changes here."""
    subscription = _changeable(request, subscription_id)
    if subscription is None:
        return redirect("subscriptions:overview")
    if request.method == "GET":
        context = {
            "subscription": subscription,
            "options": _plan_options(subscription),
            "pending_change": _pending_change(subscription),
            "next_charge": next_charge_amount(subscription=subscription),
        }
        return render(request, "subscriptions/plan_change.html", context)
    plan = _posted_plan(request)
    if plan is None:
        messages.error(request, _("Kies een abonnementsvorm uit de lijst."))
        return redirect("subscriptions:plan_change", subscription_id=subscription.pk)
    return redirect("subscriptions:plan_change_confirm", subscription_id=subscription.pk, plan_id=plan.pk)


FINGERPRINT = re.compile(r"[0-9a-f]{32}")


@login_required
@require_http_methods(["GET", "POST"])
def plan_change_confirm(request: HttpRequest, subscription_id: int, plan_id: int) -> HttpResponse:
    """The confirmation page of one move: the amount charged now (excl. and incl. VAT), the
    new period amount and the date it applies from. "Bevestigen" POSTs ``confirm=ja`` with
    the quote's fingerprint; the move is made only for that same quote."""
    subscription = _changeable(request, subscription_id)
    if subscription is None:
        return redirect("subscriptions:overview")
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        messages.error(request, _("Kies een abonnementsvorm uit de lijst."))
        return redirect("subscriptions:plan_change", subscription_id=subscription.pk)
    try:
        quote = services.plan_change_quote(subscription=subscription, plan=plan)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:plan_change", subscription_id=subscription.pk)
    status = HTTPStatus.OK
    if request.method == "POST":
        fingerprint = request.POST.get("quote", "")
        if request.POST.get("confirm") != CONFIRM or not FINGERPRINT.fullmatch(fingerprint):
            messages.error(request, _("Niet gewijzigd: bevestig de overstap met de knop hieronder."))
            status = HTTPStatus.BAD_REQUEST
        else:
            return _plan_change_start(request, subscription, plan, fingerprint)
    context = {"subscription": subscription, "quote": quote, "confirm": CONFIRM}
    return render(request, "subscriptions/plan_change_confirm.html", context, status=status)


def _plan_change_start(request: HttpRequest, subscription: Subscription, plan: Plan, fingerprint: str) -> HttpResponse:
    try:
        change = services.plan_change_start(
            subscription=subscription, plan=plan, by=request.user, fingerprint=fingerprint
        )
    except services.StaleQuote as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:plan_change_confirm", subscription_id=subscription.pk, plan_id=plan.pk)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:plan_change", subscription_id=subscription.pk)
    except mollie.MollieUnavailable:
        messages.error(
            request,
            _(
                "Mollie, onze betaaldienst, is op dit moment niet bereikbaar. Er is niets afgeschreven; "
                "wij proberen de verrekening later automatisch opnieuw."
            ),
        )
        return redirect("subscriptions:overview")
    values = {"plan": change.to_plan.name, "date": formats.date_format(change.effective_on, "j F Y")}
    if change.status == PlanChange.Status.APPLIED:
        messages.success(request, _("Uw abonnement is gewijzigd naar %(plan)s.") % values)
    elif change.status == PlanChange.Status.SCHEDULED:
        messages.success(request, _("Ingepland: per %(date)s gaat uw abonnement over naar %(plan)s.") % values)
    elif change.status == PlanChange.Status.CHARGING:
        messages.info(request, _("De overstap naar %(plan)s wacht op de afschrijving van de verrekening.") % values)
    else:
        messages.error(request, _("De verrekening kon niet worden afgeschreven. Uw abonnementsvorm is niet gewijzigd."))
    return redirect("subscriptions:overview")


@login_required
@require_POST
def plan_change_withdraw(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Withdraw the scheduled plan change (until the day it takes effect)."""
    subscription = _own_subscription(request, subscription_id)
    try:
        change = services.plan_change_withdraw(subscription=subscription, by=request.user)
    except services.BillingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("De overstap naar %(plan)s is ingetrokken. Uw abonnement blijft %(current)s.")
            % {"plan": change.to_plan.name, "current": change.from_plan.name},
        )
    return redirect("subscriptions:overview")


def _to_verification(request: HttpRequest, payment: Payment) -> HttpResponse:
    try:
        url = services.verification_checkout(payment=payment)
    except mollie.MollieUnavailable:
        messages.error(request, _unreachable_message())
        return redirect("subscriptions:overview")
    except mollie.MollieError:
        messages.error(
            request, _("De betaling kon niet worden gestart. Neem contact met ons op als dit blijft gebeuren.")
        )
        return redirect("subscriptions:overview")
    if url:
        return HttpResponseRedirect(url)
    return redirect("subscriptions:payment_return", payment_id=payment.pk)


def _change_method(request: HttpRequest, subscription: Subscription) -> HttpResponse:
    try:
        payment = services.payment_method_change_start(subscription=subscription, by=request.user)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:overview")
    return _to_verification(request, payment)


@login_required
@require_POST
def payment_method(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Another payment method: € 0,01 at Mollie's checkout with the new method gives a new
    mandate (the cent is refunded); the subscription is then charged through it."""
    return _change_method(request, _own_subscription(request, subscription_id))


# --- the address for billing mail (set on the profile page) -----------------------------------


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
