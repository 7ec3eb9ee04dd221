"""What the Mollie sandbox does, apart from HTTP: Mollie's v2 objects and their rules.

Every function here changes sandbox state only; the portal's own tables are never touched.
Errors are raised as :class:`ApiError` and rendered by the API view in Mollie's shape.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mollie_sandbox.models import SandboxFault, SandboxObject, SandboxWebhook

Kind = SandboxObject.Kind

PAYMENT_STATUSES = ("open", "pending", "authorized", "paid", "canceled", "expired", "failed")
FINAL_STATUSES = ("paid", "canceled", "expired", "failed")
CHECKOUT_OUTCOMES = ("paid", "failed", "canceled", "expired")
PROFILE_ID = "pfl_sandbox"  # the one website profile the sandbox has
TEST_MODE_CHARGE_LIMIT = 10  # Mollie stops open-ended test-mode subscriptions after 10 charges
OPEN_PAYMENT_LIFETIME = timedelta(minutes=15)
# Mollie retries a webhook after 1, 3, 7, 15 and 31 minutes, then 1, 2, 4 and 26 hours.
WEBHOOK_RETRY_DELAYS = (60, 180, 420, 900, 1860, 3600, 7200, 14400, 93600)

_AMOUNT_VALUE = re.compile(r"^\d{1,10}\.\d{2}$")
_INTERVAL = re.compile(r"^(\d{1,3}) (day|days|week|weeks|month|months)$")
_ID_CHARS = string.ascii_letters + string.digits


@dataclass
class ApiError(Exception):
    status: int
    title: str
    detail: str
    field: str | None = None
    extra_headers: dict[str, str] | None = None


def not_found(what: str, object_id: str) -> ApiError:
    return ApiError(404, "Not Found", f"No {what} exists with token {object_id}.")


def unprocessable(detail: str, field: str | None = None) -> ApiError:
    return ApiError(422, "Unprocessable Entity", detail, field)


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ID_CHARS) for _ in range(10))


def now_iso() -> str:
    return iso(timezone.now())


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def money(value: Decimal) -> dict[str, str]:
    return {"currency": "EUR", "value": f"{value.quantize(Decimal('0.01'))}"}


def parse_amount(raw: Any, field: str = "amount") -> Decimal:
    if not isinstance(raw, dict) or raw.get("currency") != "EUR":
        raise unprocessable("The amount must be an object with currency EUR.", field)
    value = raw.get("value")
    if not isinstance(value, str) or not _AMOUNT_VALUE.match(value):
        raise unprocessable("The amount value must be a string with exactly two decimals.", f"{field}.value")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise unprocessable("The amount is invalid.", f"{field}.value") from exc
    if amount <= 0:
        raise unprocessable("The amount must be greater than zero.", f"{field}.value")
    return amount


def add_interval(start: date, interval: str) -> date:
    match = _INTERVAL.match(interval)
    if not match:  # validated on the way in
        raise unprocessable("Invalid interval.", "interval")
    count, unit = int(match.group(1)), match.group(2).rstrip("s")
    delta = {
        "day": relativedelta(days=count),
        "week": relativedelta(weeks=count),
        "month": relativedelta(months=count),
    }[unit]
    return start + delta


def _check_url(data: dict, field: str, *, required: bool) -> str:
    value = data.get(field)
    if value in (None, ""):
        if required:
            raise unprocessable(f"The {field} is missing.", field)
        return ""
    if not isinstance(value, str) or not re.match(r"^https?://[^\s]+$", value) or len(value) > 500:
        raise unprocessable(f"The {field} is invalid.", field)
    return value


def _check_metadata(data: dict) -> Any:
    import json

    metadata = data.get("metadata")
    if metadata is not None and len(json.dumps(metadata)) > 1024:
        raise unprocessable("The metadata is too large (1 kB at most).", "metadata")
    return metadata


def _text(data: dict, field: str, *, required: bool, max_length: int = 255) -> str:
    value = data.get(field)
    if value in (None, ""):
        if required:
            raise unprocessable(f"The {field} is missing.", field)
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise unprocessable(f"The {field} is invalid.", field)
    return value


# --- lookups ------------------------------------------------------------------------------


def get(kind: str, object_id: str, *, for_update: bool = False, parent_id: str | None = None) -> SandboxObject:
    objects = SandboxObject.objects.select_for_update() if for_update else SandboxObject.objects
    filters: dict[str, Any] = {"pk": object_id, "kind": kind}
    if parent_id is not None:
        filters["parent_id"] = parent_id
    try:
        return objects.get(**filters)
    except SandboxObject.DoesNotExist:
        raise not_found(kind, object_id) from None


def listing(kind: str, **filters: Any) -> list[SandboxObject]:
    return list(SandboxObject.objects.filter(kind=kind, **filters).order_by("-created_at", "-id"))


def _store(kind: str, prefix: str, data: dict, *, parent_id: str = "") -> SandboxObject:
    object_id = new_id(prefix)
    data = {"resource": kind, "id": object_id, "mode": "test", "createdAt": now_iso(), **data}
    return SandboxObject.objects.create(id=object_id, kind=kind, parent_id=parent_id, data=data)


# --- customers ----------------------------------------------------------------------------


def customer_create(data: dict) -> SandboxObject:
    return _store(
        Kind.CUSTOMER,
        "cst_",
        {
            "name": _text(data, "name", required=False) or None,
            "email": _text(data, "email", required=False) or None,
            "locale": _text(data, "locale", required=False, max_length=10) or None,
            "metadata": _check_metadata(data),
        },
    )


def customer_update(customer: SandboxObject, data: dict) -> SandboxObject:
    for field in ("name", "email", "locale"):
        if field in data:
            customer.data[field] = _text(data, field, required=False) or None
    if "metadata" in data:
        customer.data["metadata"] = _check_metadata(data)
    customer.save(update_fields=["data"])
    return customer


def valid_mandates(customer_id: str) -> list[SandboxObject]:
    return [m for m in listing(Kind.MANDATE, parent_id=customer_id) if m.data["status"] == "valid"]


# --- payments -----------------------------------------------------------------------------


def payment_create(data: dict, *, customer_id: str | None = None) -> SandboxObject:
    amount = parse_amount(data.get("amount"))
    description = _text(data, "description", required=True)
    sequence_type = data.get("sequenceType") or "oneoff"
    if sequence_type not in ("oneoff", "first", "recurring"):
        raise unprocessable("The sequence type is invalid.", "sequenceType")
    customer_id = customer_id or data.get("customerId")
    if customer_id is not None:
        if not isinstance(customer_id, str):
            raise unprocessable("The customer id is invalid.", "customerId")
        get(Kind.CUSTOMER, customer_id)
    if sequence_type != "oneoff" and not customer_id:
        raise unprocessable("A customer is required for first and recurring payments.", "customerId")
    redirect_url = _check_url(data, "redirectUrl", required=sequence_type != "recurring")
    webhook_url = _check_url(data, "webhookUrl", required=False)
    cancel_url = _check_url(data, "cancelUrl", required=False)
    metadata = _check_metadata(data)
    body: dict[str, Any] = {
        "amount": money(amount),
        "description": description,
        "method": data.get("method") if isinstance(data.get("method"), str) else None,
        "metadata": metadata,
        "status": "open",
        "isCancelable": True,
        "expiresAt": iso(timezone.now() + OPEN_PAYMENT_LIFETIME),
        "profileId": PROFILE_ID,
        "sequenceType": sequence_type,
        "redirectUrl": redirect_url or None,
        "cancelUrl": cancel_url or None,
        "webhookUrl": webhook_url or None,
        "amountRefunded": money(Decimal("0")),
        "amountRemaining": money(amount),
        "locale": data.get("locale") if isinstance(data.get("locale"), str) else None,
    }
    if customer_id:
        body["customerId"] = customer_id
    if sequence_type == "recurring":
        mandates = valid_mandates(customer_id)
        mandate_id = data.get("mandateId")
        if mandate_id:
            mandates = [m for m in mandates if m.id == mandate_id]
        if not mandates:
            raise unprocessable("The customer has no valid mandate.", "mandateId" if mandate_id else "customerId")
        body.update({"mandateId": mandates[0].id, "method": mandates[0].data["method"]})
        payment = _store(Kind.PAYMENT, "tr_", body, parent_id=customer_id or "")
        payment_set_status(payment, "paid")
        return payment
    return _store(Kind.PAYMENT, "tr_", body, parent_id=customer_id or "")


def payment_refresh(payment: SandboxObject) -> SandboxObject:
    """Open payments expire when nobody finishes the checkout in time (checked on read)."""
    if payment.data["status"] == "open" and payment.data.get("expiresAt") and payment.data["expiresAt"] < now_iso():
        with transaction.atomic():
            locked = get(Kind.PAYMENT, payment.id, for_update=True)
            if locked.data["status"] == "open":
                payment_set_status(locked, "expired")
            return locked
    return payment


def payment_set_status(payment: SandboxObject, status: str, *, method: str | None = None) -> SandboxObject:
    """Move a payment to ``status`` as Mollie would, with the side effects: a valid mandate
    after a paid first payment, a webhook call."""
    if status not in PAYMENT_STATUSES:
        raise unprocessable("Unknown payment status.", "status")
    data = payment.data
    if data["status"] in FINAL_STATUSES:
        raise unprocessable(f"The payment is already {data['status']}.", "status")
    stamp = now_iso()
    data["status"] = status
    data["isCancelable"] = status in ("open", "pending")
    if method or not data.get("method"):
        data["method"] = method or data.get("method") or "creditcard"
    if status == "paid":
        data["paidAt"] = stamp
        data.pop("expiresAt", None)
        if data.get("sequenceType") == "first" and data.get("customerId"):
            mandate = mandate_create_for(data["customerId"], method=data["method"])
            data["mandateId"] = mandate.id
    elif status in ("canceled", "expired", "failed"):
        data[{"canceled": "canceledAt", "expired": "expiredAt", "failed": "failedAt"}[status]] = stamp
        data.pop("expiresAt", None)
    if status != "paid":
        data["amountRemaining"] = money(Decimal("0")) if status in FINAL_STATUSES else data["amountRemaining"]
    payment.save(update_fields=["data"])
    webhook_schedule(payment.id, data.get("webhookUrl"))
    return payment


def payment_cancel(payment: SandboxObject) -> SandboxObject:
    if payment.data["status"] not in ("open", "pending"):
        raise unprocessable("The payment cannot be canceled.", None)
    return payment_set_status(payment, "canceled")


def mandate_create_for(customer_id: str, *, method: str) -> SandboxObject:
    mandate_method = "directdebit" if method in ("directdebit", "ideal", "bancontact", "sofort") else "creditcard"
    details = (
        {"consumerName": "T. TEST", "consumerAccount": "NL55INGB0000000000", "consumerBic": "INGBNL2A"}
        if mandate_method == "directdebit"
        else {
            "cardHolder": "T. TEST",
            "cardNumber": "6787",
            "cardLabel": "Mastercard",
            "cardFingerprint": "sandbox",
            "cardExpiryDate": "2030-12-31",
        }
    )
    return _store(
        Kind.MANDATE,
        "mdt_",
        {
            "status": "valid",
            "customerId": customer_id,
            "method": mandate_method,
            "details": details,
            "mandateReference": None,
            "signatureDate": timezone.localdate().isoformat(),
        },
        parent_id=customer_id,
    )


def mandate_revoke(mandate: SandboxObject) -> None:
    mandate.data["status"] = "invalid"
    mandate.save(update_fields=["data"])
    for subscription in listing(Kind.SUBSCRIPTION, parent_id=mandate.parent_id):
        if subscription.data.get("mandateId") == mandate.id and subscription.data["status"] == "active":
            subscription.data["status"] = "suspended"
            subscription.save(update_fields=["data"])


def _paid_amount(payment: SandboxObject, field: str) -> Decimal:
    return Decimal(payment.data.get(field, {"value": "0.00"})["value"])


def refund_create(payment: SandboxObject, data: dict) -> SandboxObject:
    if payment.data["status"] != "paid":
        raise unprocessable("Only paid payments can be refunded.", None)
    amount = parse_amount(data.get("amount"))
    remaining = _paid_amount(payment, "amountRemaining")
    if amount > remaining:
        raise unprocessable("The amount is higher than the amount that can be refunded.", "amount")
    refund = _store(
        Kind.REFUND,
        "re_",
        {
            "amount": money(amount),
            "description": _text(data, "description", required=False) or "",
            "metadata": _check_metadata(data),
            "status": "refunded",
            "paymentId": payment.id,
        },
        parent_id=payment.id,
    )
    payment.data["amountRefunded"] = money(_paid_amount(payment, "amountRefunded") + amount)
    payment.data["amountRemaining"] = money(remaining - amount)
    payment.save(update_fields=["data"])
    webhook_schedule(payment.id, payment.data.get("webhookUrl"))
    return refund


def chargeback_create(payment: SandboxObject, amount: Decimal | None = None) -> SandboxObject:
    if payment.data["status"] != "paid":
        raise unprocessable("Only paid payments can be charged back.", None)
    amount = amount or Decimal(payment.data["amount"]["value"])
    chargeback = _store(
        Kind.CHARGEBACK,
        "chb_",
        {"amount": money(amount), "paymentId": payment.id, "reason": {"code": "MD06", "description": "Sandbox"}},
        parent_id=payment.id,
    )
    payment.data["amountChargedBack"] = money(_paid_amount(payment, "amountChargedBack") + amount)
    payment.save(update_fields=["data"])
    webhook_schedule(payment.id, payment.data.get("webhookUrl"))
    return chargeback


# --- subscriptions ------------------------------------------------------------------------


def _subscription_fields(data: dict, *, partial: bool, customer_id: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "amount" in data or not partial:
        fields["amount"] = money(parse_amount(data.get("amount")))
    if "interval" in data or not partial:
        interval = data.get("interval")
        if not isinstance(interval, str) or not _INTERVAL.match(interval):
            raise unprocessable("The interval is invalid.", "interval")
        fields["interval"] = interval
    if "description" in data or not partial:
        fields["description"] = _text(data, "description", required=True)
    if "times" in data and data["times"] is not None:
        if not isinstance(data["times"], int) or data["times"] < 1:
            raise unprocessable("The times value is invalid.", "times")
        fields["times"] = data["times"]
    if "startDate" in data:
        try:
            start = date.fromisoformat(data["startDate"])
        except (TypeError, ValueError):
            raise unprocessable("The start date is invalid.", "startDate") from None
        fields["startDate"] = start.isoformat()
    elif not partial:
        fields["startDate"] = timezone.localdate().isoformat()
    if "webhookUrl" in data:
        fields["webhookUrl"] = _check_url(data, "webhookUrl", required=False) or None
    if "metadata" in data:
        fields["metadata"] = _check_metadata(data)
    if "mandateId" in data:
        mandate_id = data["mandateId"]
        if not isinstance(mandate_id, str) or mandate_id not in {m.id for m in valid_mandates(customer_id)}:
            raise unprocessable("The mandate is not valid for this customer.", "mandateId")
        fields["mandateId"] = mandate_id
    return fields


def subscription_create(customer: SandboxObject, data: dict) -> SandboxObject:
    fields = _subscription_fields(data, partial=False, customer_id=customer.id)
    mandates = valid_mandates(customer.id)
    if not mandates:
        raise unprocessable("The customer has no valid mandate.", "mandateId")
    for other in listing(Kind.SUBSCRIPTION, parent_id=customer.id):
        if (
            other.data["status"] in ("active", "pending", "suspended")
            and other.data["description"] == fields["description"]
        ):
            raise unprocessable("The description must be unique per customer.", "description")
    fields.setdefault("mandateId", mandates[0].id)
    times = fields.get("times")
    return _store(
        Kind.SUBSCRIPTION,
        "sub_",
        {
            "status": "active",
            "customerId": customer.id,
            "times": times,
            "timesRemaining": times,
            "method": None,
            "nextPaymentDate": fields["startDate"],
            "webhookUrl": None,
            "metadata": None,
            "canceledAt": None,
            "chargesDone": 0,
            **fields,
        },
        parent_id=customer.id,
    )


def subscription_update(subscription: SandboxObject, data: dict) -> SandboxObject:
    if subscription.data["status"] in ("canceled", "completed"):
        raise unprocessable(f"The subscription is {subscription.data['status']} and cannot be updated.", None)
    fields = _subscription_fields(data, partial=True, customer_id=subscription.parent_id)
    if "startDate" in fields:
        if subscription.data.get("chargesDone"):
            raise unprocessable("The start date cannot change after the first charge.", "startDate")
        fields["nextPaymentDate"] = fields["startDate"]
    subscription.data.update(fields)
    if "times" in fields:
        subscription.data["timesRemaining"] = max(0, fields["times"] - subscription.data.get("chargesDone", 0))
    subscription.save(update_fields=["data"])
    return subscription


def subscription_cancel(subscription: SandboxObject) -> SandboxObject:
    if subscription.data["status"] in ("canceled", "completed"):
        raise unprocessable(f"The subscription is already {subscription.data['status']}.", None)
    subscription.data.update({"status": "canceled", "canceledAt": now_iso(), "nextPaymentDate": None})
    subscription.save(update_fields=["data"])
    return subscription


CHARGE_OUTCOMES = ("paid", "failed", "pending", "canceled", "expired")


def subscription_charge(subscription: SandboxObject, *, outcome: str = "paid", retry: bool = False) -> SandboxObject:
    """Run the subscription's next charge now: a recurring payment that calls the
    subscription's webhook with a new payment id. ``retry``: charge the last charge's
    date again (as Mollie may after a failure), without moving the schedule on."""
    data = subscription.data
    if data["status"] != "active":
        raise unprocessable(f"The subscription is {data['status']}; nothing to charge.", None)
    if outcome not in CHARGE_OUTCOMES:
        raise unprocessable("Unknown outcome.", "outcome")
    mandate = get(Kind.MANDATE, data["mandateId"])
    if mandate.data["status"] != "valid":
        raise unprocessable("The subscription's mandate is not valid.", "mandateId")
    charge_date = data.get("nextPaymentDate") or timezone.localdate().isoformat()
    if retry:
        earlier = [
            p
            for p in listing(Kind.PAYMENT, parent_id=subscription.parent_id)
            if p.data.get("subscriptionId") == subscription.id
        ]
        if not earlier:
            raise unprocessable("The subscription has no charge to retry.", None)
        charge_date = earlier[0].data["chargeDate"]  # (newest first)
    # Mollie creates a charge on its date; run early here, it is dated as if that day had come
    # (so a failed charge reads as the charge of the coming period, not as an old one).
    due = date.fromisoformat(charge_date)
    created = (
        now_iso()
        if due <= timezone.localdate()
        else iso(timezone.make_aware(datetime.combine(due, datetime.min.time())))
    )
    payment = _store(
        Kind.PAYMENT,
        "tr_",
        {
            "amount": data["amount"],
            "description": data["description"],
            "method": mandate.data["method"],
            "metadata": data.get("metadata"),
            "status": "pending",
            "isCancelable": False,
            "profileId": PROFILE_ID,
            "sequenceType": "recurring",
            "redirectUrl": None,
            "webhookUrl": data.get("webhookUrl"),
            "amountRefunded": money(Decimal("0")),
            "amountRemaining": data["amount"],
            "customerId": subscription.parent_id,
            "mandateId": mandate.id,
            "subscriptionId": subscription.id,
            "chargeDate": charge_date,
            "createdAt": created,
        },
        parent_id=subscription.parent_id,
    )
    if not retry:
        data["chargesDone"] = data.get("chargesDone", 0) + 1
        data["nextPaymentDate"] = add_interval(date.fromisoformat(charge_date), data["interval"]).isoformat()
        if data.get("times"):
            data["timesRemaining"] = max(0, data["times"] - data["chargesDone"])
            if data["timesRemaining"] == 0:
                data.update({"status": "completed", "nextPaymentDate": None})
        elif data["chargesDone"] >= TEST_MODE_CHARGE_LIMIT:
            data.update({"status": "completed", "nextPaymentDate": None})
        subscription.save(update_fields=["data"])
    if outcome == "pending":
        webhook_schedule(payment.id, payment.data.get("webhookUrl"))
    else:
        payment_set_status(payment, outcome)
    return payment


# --- faults and webhooks ------------------------------------------------------------------


def take_fault(kinds: tuple[str, ...], target: str) -> SandboxFault | None:
    """Consume one matching fault, if any is armed."""
    if not SandboxFault.objects.filter(kind__in=kinds, remaining__gt=0).exists():
        return None  # the usual case, without a locking transaction
    with transaction.atomic():
        for fault in SandboxFault.objects.select_for_update().filter(kind__in=kinds, remaining__gt=0).order_by("id"):
            if fault.target == "*" or re.fullmatch(fault.target.replace("*", "[^/ ]+"), target):
                fault.remaining -= 1
                fault.save(update_fields=["remaining"])
                return fault
    return None


def webhook_schedule(object_id: str, url: str | None) -> None:
    """Owe the portal a webhook call; sent after this transaction commits, never inside
    the request that caused it (Mollie calls back asynchronously)."""
    if not url:
        return
    fault = take_fault(
        (SandboxFault.Kind.WEBHOOK_DROP, SandboxFault.Kind.WEBHOOK_HOLD, SandboxFault.Kind.WEBHOOK_DUPLICATE), "webhook"
    )
    if fault is not None and fault.kind == SandboxFault.Kind.WEBHOOK_DROP:
        SandboxWebhook.objects.create(object_id=object_id, url=url, status=SandboxWebhook.Status.DROPPED)
        return
    if fault is not None and fault.kind == SandboxFault.Kind.WEBHOOK_HOLD:
        SandboxWebhook.objects.create(object_id=object_id, url=url, status=SandboxWebhook.Status.HELD)
        return
    copies = 2 if fault is not None else 1
    for _ in range(copies):
        webhook = SandboxWebhook.objects.create(object_id=object_id, url=url, next_attempt_at=timezone.now())
        transaction.on_commit(lambda pk=webhook.pk: _enqueue(pk))


def _enqueue(webhook_id: int, countdown: int = 0) -> None:
    from mollie_sandbox.tasks import deliver_webhook

    deliver_webhook.apply_async((webhook_id,), countdown=countdown)


def webhook_release_held(*, order: str = "reverse") -> int:
    """Send every held webhook, newest first (``reverse``) or shuffled: out of order."""
    import random

    held = list(SandboxWebhook.objects.filter(status=SandboxWebhook.Status.HELD))
    if order == "reverse":
        held.reverse()
    else:
        random.shuffle(held)
    for webhook in held:
        webhook.status = SandboxWebhook.Status.SCHEDULED
        webhook.next_attempt_at = timezone.now()
        webhook.save(update_fields=["status", "next_attempt_at"])
    for webhook in held:
        _enqueue(webhook.pk)
    return len(held)


def webhook_deliver(webhook_id: int) -> None:
    """One attempt; on failure the next one follows Mollie's schedule."""
    import requests
    from celery import current_app

    webhook = SandboxWebhook.objects.filter(pk=webhook_id).first()
    if webhook is None or webhook.status not in (SandboxWebhook.Status.SCHEDULED, SandboxWebhook.Status.RETRYING):
        return
    status_code: int | None = None
    try:
        response = requests.post(webhook.url, data={"id": webhook.object_id}, timeout=15, allow_redirects=False)
        status_code = response.status_code
    except requests.RequestException:
        status_code = None
    webhook.attempts += 1
    webhook.last_response_status = status_code
    if status_code is not None and 200 <= status_code < 300:
        webhook.status = SandboxWebhook.Status.DELIVERED
        webhook.delivered_at = timezone.now()
        webhook.next_attempt_at = None
    elif webhook.attempts > len(WEBHOOK_RETRY_DELAYS):
        webhook.status = SandboxWebhook.Status.GAVE_UP
        webhook.next_attempt_at = None
    else:
        delay = WEBHOOK_RETRY_DELAYS[webhook.attempts - 1]
        webhook.status = SandboxWebhook.Status.RETRYING
        webhook.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    webhook.save()
    # In-process (eager) Celery cannot wait: the retry then waits for `mollie_sandbox deliver`.
    if webhook.status == SandboxWebhook.Status.RETRYING and not current_app.conf.task_always_eager:
        _enqueue(webhook.pk, countdown=int((webhook.next_attempt_at - timezone.now()).total_seconds()))


def webhooks_deliver_due(*, everything: bool = False) -> int:
    """Send retries that are due (or all pending ones with ``everything``)."""
    pending = SandboxWebhook.objects.filter(
        status__in=[SandboxWebhook.Status.SCHEDULED, SandboxWebhook.Status.RETRYING]
    )
    if not everything:
        pending = pending.filter(next_attempt_at__lte=timezone.now())
    ids = list(pending.values_list("pk", flat=True))
    for pk in ids:
        webhook_deliver(pk)
    return len(ids)


def enabled() -> bool:
    """The sandbox exists only outside production and never next to a live API key."""
    key = settings.MOLLIE_API_KEY or ""
    return not settings.PRODUCTION and not key.startswith("live_")
