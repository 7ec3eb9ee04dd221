"""The sandbox's pages: the hosted checkout (the payer picks the outcome) and the staff
control page (charges, refunds, chargebacks, faults, webhooks)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from http import HTTPStatus

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from mollie_sandbox import controls, engine
from mollie_sandbox.engine import ApiError, Kind
from mollie_sandbox.models import SandboxFault, SandboxObject, SandboxWebhook


def _require_enabled() -> None:
    if not engine.enabled():
        raise Http404


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, payment_id: str) -> HttpResponse:
    _require_enabled()
    payment = SandboxObject.objects.filter(pk=payment_id, kind=Kind.PAYMENT).first()
    if payment is None:
        raise Http404
    payment = engine.payment_refresh(payment)
    error = ""
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        method = request.POST.get("method", "creditcard")
        if outcome not in engine.CHECKOUT_OUTCOMES or method not in ("creditcard", "ideal", "directdebit"):
            error = gettext("Kies een uitkomst.")
        else:
            try:
                with transaction.atomic():
                    locked = engine.get(Kind.PAYMENT, payment_id, for_update=True)
                    if locked.data["status"] == "open":
                        engine.payment_set_status(locked, outcome, method=method)
                    payment = locked
            except ApiError as exc:
                error = exc.detail
            if not error:
                target = payment.data.get("redirectUrl")
                if outcome == "canceled" and payment.data.get("cancelUrl"):
                    target = payment.data["cancelUrl"]
                if target:
                    return HttpResponseRedirect(target)
    status = HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK
    return render(
        request,
        "sandbox/checkout.html",
        {"payment": payment, "data": payment.data, "outcomes": engine.CHECKOUT_OUTCOMES, "error": error},
        status=status,
    )


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


@staff_member_required
@require_http_methods(["GET", "POST"])
def control_page(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    if request.method == "POST":
        action = request.POST.get("action", "")
        target = request.POST.get("object_id", "").strip()
        try:
            if action == "charge":
                payment = controls.charge(target, outcome=request.POST.get("outcome", "paid"))
                messages.success(request, gettext("Incasso %(id)s aangemaakt.") % {"id": payment.id})
            elif action == "status":
                controls.set_status(target, request.POST.get("status", ""))
                messages.success(request, gettext("Status van %(id)s gewijzigd.") % {"id": target})
            elif action == "refund":
                refund = controls.refund(target, _decimal(request.POST.get("amount", "")))
                messages.success(request, gettext("Terugbetaling %(id)s aangemaakt.") % {"id": refund.id})
            elif action == "chargeback":
                chargeback = controls.chargeback(target, _decimal(request.POST.get("amount", "")))
                messages.success(request, gettext("Terugboeking %(id)s aangemaakt.") % {"id": chargeback.id})
            elif action == "revoke_mandate":
                controls.revoke_mandate(target)
                messages.success(request, gettext("Machtiging %(id)s ingetrokken.") % {"id": target})
            elif action == "fault":
                count = int(request.POST.get("count") or 1)
                fault = controls.add_fault(
                    request.POST.get("kind", ""), target=request.POST.get("target") or "*", count=count
                )
                messages.success(request, gettext("Storing ingesteld: %(fault)s.") % {"fault": fault})
            elif action == "clear_faults":
                messages.success(request, gettext("%(n)s storing(en) opgeheven.") % {"n": controls.clear_faults()})
            elif action == "release":
                count = engine.webhook_release_held(order=request.POST.get("order", "reverse"))
                messages.success(request, gettext("%(n)s vastgehouden webhook(s) verstuurd.") % {"n": count})
            elif action == "deliver_due":
                messages.success(
                    request,
                    gettext("%(n)s webhook(s) verstuurd.") % {"n": engine.webhooks_deliver_due(everything=True)},
                )
            else:
                messages.error(request, gettext("Onbekende actie."))
        except ApiError as exc:
            messages.error(request, exc.detail)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("mollie_sandbox:controls")
    context = {
        "payments": SandboxObject.objects.filter(kind=Kind.PAYMENT).order_by("-created_at")[:30],
        "subscriptions": SandboxObject.objects.filter(kind=Kind.SUBSCRIPTION).order_by("-created_at")[:30],
        "faults": SandboxFault.objects.filter(remaining__gt=0),
        "fault_kinds": SandboxFault.Kind.choices,
        "webhooks": SandboxWebhook.objects.order_by("-id")[:30],
        "statuses": engine.PAYMENT_STATUSES,
        "selected": request.GET.get("payment", ""),
    }
    return render(request, "sandbox/controls.html", context)
