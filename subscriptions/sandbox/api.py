"""The sandbox's HTTP face: Mollie's v2 REST API as the mollie-api-python client sees it.

Mounted at ``/sandbox/mollie/`` so that ``Client(api_endpoint=SITE_URL + "/sandbox/mollie")``
reaches ``/sandbox/mollie/v2/...``. Bodies are Mollie's shapes (ids, ``_links``, amounts as
strings, ISO 8601 times); errors are ``{"status", "title", "detail", "field"?, "_links"}``;
``Idempotency-Key`` answers are replayed for an hour with ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from subscriptions.sandbox import engine
from subscriptions.sandbox.engine import ApiError, Kind
from subscriptions.sandbox.models import SandboxFault, SandboxIdempotencyKey, SandboxObject

DOCS = {"href": "https://docs.mollie.com/overview/handling-errors", "type": "text/html"}
HAL = "application/hal+json"
INTERNAL_FIELDS = {"chargesDone", "chargeDate"}
_ID_SEGMENT = re.compile(r"^[a-z]{2,4}_[A-Za-z0-9]+$")
_API_KEY = re.compile(r"^Bearer (test_\w{5,})$")
API_FAULTS = (
    SandboxFault.Kind.HTTP_500,
    SandboxFault.Kind.HTTP_502_HTML,
    SandboxFault.Kind.HTTP_503,
    SandboxFault.Kind.HTTP_429,
    SandboxFault.Kind.TIMEOUT_BEFORE,
    SandboxFault.Kind.TIMEOUT_AFTER,
)
IDEMPOTENCY_WINDOW = timedelta(hours=1)


def _json(status: int, body: dict, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type=HAL)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_body(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"status": error.status, "title": error.title, "detail": error.detail}
    if error.field:
        body["field"] = error.field
    body["_links"] = {"documentation": DOCS}
    return body


class Renderer:
    """Adds the host-dependent ``_links`` to stored objects."""

    def __init__(self, request: HttpRequest) -> None:
        self.api = request.build_absolute_uri(reverse("subscriptions:mollie_sandbox:api", args=[""]))
        self.checkout = request.build_absolute_uri(reverse("subscriptions:mollie_sandbox:checkout", args=["ID"]))
        self.controls = request.build_absolute_uri(reverse("subscriptions:mollie_sandbox:controls"))

    def link(self, path: str, kind: str = HAL) -> dict[str, str]:
        return {"href": self.api + path, "type": kind}

    def render(self, obj: SandboxObject) -> dict[str, Any]:
        data = {key: value for key, value in obj.data.items() if key not in INTERNAL_FIELDS}
        links: dict[str, Any] = {"documentation": {"href": "https://docs.mollie.com/reference/v2", "type": "text/html"}}
        if obj.kind == Kind.PAYMENT:
            links["self"] = self.link(f"payments/{obj.id}")
            if data["status"] == "open" and data.get("sequenceType") != "recurring":
                links["checkout"] = {"href": self.checkout.replace("ID", obj.id), "type": "text/html"}
            if data["status"] == "paid" or data.get("sequenceType") == "recurring":
                links["changePaymentState"] = {"href": f"{self.controls}?payment={obj.id}", "type": "text/html"}
            links["dashboard"] = {"href": f"{self.controls}?payment={obj.id}", "type": "text/html"}
            if data.get("customerId"):
                links["customer"] = self.link(f"customers/{data['customerId']}")
            if data.get("mandateId"):
                links["mandate"] = self.link(f"customers/{data['customerId']}/mandates/{data['mandateId']}")
            if data.get("subscriptionId"):
                links["subscription"] = self.link(
                    f"customers/{data['customerId']}/subscriptions/{data['subscriptionId']}"
                )
            if data.get("amountRefunded", {}).get("value", "0.00") != "0.00":
                links["refunds"] = self.link(f"payments/{obj.id}/refunds")
            if data.get("amountChargedBack"):
                links["chargebacks"] = self.link(f"payments/{obj.id}/chargebacks")
        elif obj.kind == Kind.CUSTOMER:
            links["self"] = self.link(f"customers/{obj.id}")
            links["mandates"] = self.link(f"customers/{obj.id}/mandates")
            links["subscriptions"] = self.link(f"customers/{obj.id}/subscriptions")
            links["payments"] = self.link(f"customers/{obj.id}/payments")
        elif obj.kind == Kind.MANDATE:
            links["self"] = self.link(f"customers/{obj.parent_id}/mandates/{obj.id}")
            links["customer"] = self.link(f"customers/{obj.parent_id}")
        elif obj.kind == Kind.SUBSCRIPTION:
            links["self"] = self.link(f"customers/{obj.parent_id}/subscriptions/{obj.id}")
            links["customer"] = self.link(f"customers/{obj.parent_id}")
            if data.get("mandateId"):
                links["mandate"] = self.link(f"customers/{obj.parent_id}/mandates/{data['mandateId']}")
            if obj.data.get("chargesDone"):
                links["payments"] = self.link(f"customers/{obj.parent_id}/subscriptions/{obj.id}/payments")
        elif obj.kind in (Kind.REFUND, Kind.CHARGEBACK):
            plural = "refunds" if obj.kind == Kind.REFUND else "chargebacks"
            links["self"] = self.link(f"payments/{obj.parent_id}/{plural}/{obj.id}")
            links["payment"] = self.link(f"payments/{obj.parent_id}")
        data["_links"] = links
        return data

    def render_list(
        self, objects: list[SandboxObject], plural: str, path: str, params: dict[str, str]
    ) -> dict[str, Any]:
        try:
            limit = max(1, min(250, int(params.get("limit", "50"))))
        except ValueError:
            raise engine.unprocessable("The limit is invalid.", "limit") from None
        start = params.get("from")
        if start:
            ids = [obj.id for obj in objects]
            if start not in ids:
                raise engine.unprocessable("The 'from' id is not in this list.", "from")
            objects = objects[ids.index(start) :]
        page, rest = objects[:limit], objects[limit:]
        links: dict[str, Any] = {
            "self": self.link(path),
            "previous": None,
            "next": self.link(f"{path}?from={rest[0].id}&limit={limit}") if rest else None,
            "documentation": {"href": "https://docs.mollie.com/reference/v2", "type": "text/html"},
        }
        return {"count": len(page), "_embedded": {plural: [self.render(obj) for obj in page]}, "_links": links}


def _authenticate(request: HttpRequest) -> str:
    match = _API_KEY.match(request.headers.get("Authorization", ""))
    if not match:
        raise ApiError(
            401,
            "Unauthorized Request",
            "Missing authentication, or failed to authenticate (the sandbox takes test keys only).",
        )
    return match.group(1)


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Bad Request", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Bad Request", "The request body must be a JSON object.")
    return body


def _pattern(path: str) -> str:
    return "/".join("*" if _ID_SEGMENT.match(part) else part for part in path.strip("/").split("/"))


def _method_not_allowed() -> ApiError:
    return ApiError(405, "Method Not Allowed", "The method is not allowed for this resource.")


def _route(request: HttpRequest, path: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # noqa: C901, PLR0911, PLR0912
    """Do what the call asks; returns (HTTP status, body)."""
    r = Renderer(request)
    method = request.method
    params = request.GET.dict()
    parts = path.strip("/").split("/")
    one = lambda obj: (200, r.render(obj))  # noqa: E731
    created = lambda obj: (201, r.render(obj))  # noqa: E731

    if parts == ["customers"]:
        if method == "POST":
            return created(engine.customer_create(data))
        if method == "GET":
            return 200, r.render_list(engine.listing(Kind.CUSTOMER), "customers", "customers", params)
    elif parts[0] == "customers" and len(parts) >= 2:
        customer = engine.get(Kind.CUSTOMER, parts[1], for_update=method != "GET")
        rest = parts[2:]
        if not rest:
            if method == "GET":
                return one(customer)
            if method == "PATCH":
                return one(engine.customer_update(customer, data))
            if method == "DELETE":
                customer.delete()
                return 204, {}
        elif rest == ["mandates"]:
            if method == "GET":
                return 200, r.render_list(engine.listing(Kind.MANDATE, parent_id=customer.id), "mandates", path, params)
        elif rest[0] == "mandates" and len(rest) == 2:
            mandate = engine.get(Kind.MANDATE, rest[1], parent_id=customer.id)
            if method == "GET":
                return one(mandate)
            if method == "DELETE":
                engine.mandate_revoke(mandate)
                return 204, {}
        elif rest == ["payments"]:
            if method == "GET":
                return 200, r.render_list(engine.listing(Kind.PAYMENT, parent_id=customer.id), "payments", path, params)
            if method == "POST":
                return created(engine.payment_create(data, customer_id=customer.id))
        elif rest == ["subscriptions"]:
            if method == "GET":
                return 200, r.render_list(
                    engine.listing(Kind.SUBSCRIPTION, parent_id=customer.id), "subscriptions", path, params
                )
            if method == "POST":
                return created(engine.subscription_create(customer, data))
        elif rest[0] == "subscriptions" and len(rest) in (2, 3):
            subscription = engine.get(Kind.SUBSCRIPTION, rest[1], parent_id=customer.id, for_update=method != "GET")
            if len(rest) == 3:
                if rest[2] == "payments" and method == "GET":
                    payments = engine.listing(Kind.PAYMENT, parent_id=customer.id, data__subscriptionId=subscription.id)
                    return 200, r.render_list(payments, "payments", path, params)
            elif method == "GET":
                return one(subscription)
            elif method == "PATCH":
                return one(engine.subscription_update(subscription, data))
            elif method == "DELETE":
                return one(engine.subscription_cancel(subscription))
        else:
            raise ApiError(404, "Not Found", "The resource does not exist.")
        raise _method_not_allowed()
    elif parts == ["payments"]:
        if method == "POST":
            return created(engine.payment_create(data))
        if method == "GET":
            return 200, r.render_list(engine.listing(Kind.PAYMENT), "payments", "payments", params)
    elif parts[0] == "payments" and len(parts) >= 2:
        payment = engine.get(Kind.PAYMENT, parts[1], for_update=method != "GET")
        payment = engine.payment_refresh(payment)
        rest = parts[2:]
        if not rest:
            if method == "GET":
                return one(payment)
            if method == "DELETE":
                return one(engine.payment_cancel(payment))
            if method == "PATCH":
                for field in ("description", "redirectUrl", "webhookUrl", "metadata"):
                    if field in data:
                        payment.data[field] = data[field]
                payment.save(update_fields=["data"])
                return one(payment)
        elif rest == ["refunds"]:
            if method == "POST":
                return created(engine.refund_create(payment, data))
            if method == "GET":
                return 200, r.render_list(engine.listing(Kind.REFUND, parent_id=payment.id), "refunds", path, params)
        elif rest == ["chargebacks"] and method == "GET":
            return 200, r.render_list(
                engine.listing(Kind.CHARGEBACK, parent_id=payment.id), "chargebacks", path, params
            )
        elif len(rest) == 2 and rest[0] in ("refunds", "chargebacks"):
            kind = Kind.REFUND if rest[0] == "refunds" else Kind.CHARGEBACK
            if method == "GET":
                return one(engine.get(kind, rest[1], parent_id=payment.id))
        else:
            raise ApiError(404, "Not Found", "The resource does not exist.")
        raise _method_not_allowed()
    elif parts == ["subscriptions"] and method == "GET":
        return 200, r.render_list(engine.listing(Kind.SUBSCRIPTION), "subscriptions", "subscriptions", params)
    else:
        raise ApiError(404, "Not Found", "The resource does not exist.")
    raise _method_not_allowed()


def _run(request: HttpRequest, path: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        if request.method == "GET":  # reads need no transaction (an expiry takes its own)
            return _route(request, path, data)
        with transaction.atomic():
            return _route(request, path, data)
    except ApiError as error:
        return error.status, error_body(error)


def _idempotent(
    api_key: str, key: str, scope: str, data: dict[str, Any], run: Callable[[], tuple[int, dict]]
) -> HttpResponse:
    body_hash = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    SandboxIdempotencyKey.objects.filter(
        api_key=api_key, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_WINDOW
    ).delete()
    try:
        with transaction.atomic():
            row = SandboxIdempotencyKey.objects.create(api_key=api_key, key=key, scope=scope, body_hash=body_hash)
    except IntegrityError:
        existing = SandboxIdempotencyKey.objects.filter(api_key=api_key, key=key).first()
        if existing is None:  # removed meanwhile: its call failed; the client may try again
            raise ApiError(
                409, "Conflict", "A request with this idempotency key is being retried; try again."
            ) from None
        if existing.scope != scope or existing.body_hash != body_hash:
            raise ApiError(
                400,
                "Bad Request",
                "The idempotency key was already used for a request with other parameters.",
                "Idempotency-Key",
            ) from None
        if not existing.done:
            raise ApiError(409, "Conflict", "A request with this idempotency key is still being processed.") from None
        return _json(existing.response_status, existing.response_body, {"Idempotent-Replayed": "true"})
    try:
        status, body = run()
    except Exception:
        row.delete()
        raise
    if status >= 500:
        row.delete()
    else:
        row.done, row.response_status, row.response_body = True, status, body
        row.save(update_fields=["done", "response_status", "response_body"])
    return _json(status, body) if status != 204 else HttpResponse(status=204)


def _fault_response(fault: SandboxFault) -> HttpResponse:
    if fault.kind == SandboxFault.Kind.HTTP_502_HTML:
        return HttpResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", status=502, content_type="text/html")
    status = {SandboxFault.Kind.HTTP_500: 500, SandboxFault.Kind.HTTP_503: 503, SandboxFault.Kind.HTTP_429: 429}.get(
        fault.kind, 504
    )
    title = {
        500: "Internal Server Error",
        503: "Service Unavailable",
        429: "Too Many Requests",
        504: "Gateway Timeout",
    }[status]
    return _json(status, error_body(ApiError(status, title, "Injected by the sandbox.")))


@csrf_exempt
def api(request: HttpRequest, path: str) -> HttpResponse:
    if not engine.enabled():
        raise Http404
    try:
        api_key = _authenticate(request)
        scope = f"{request.method} {_pattern(path)}"
        fault = engine.take_fault(API_FAULTS, scope)
        if fault is not None and fault.kind != SandboxFault.Kind.TIMEOUT_AFTER:
            if fault.kind == SandboxFault.Kind.TIMEOUT_BEFORE:
                time.sleep(fault.delay_seconds)
            return _fault_response(fault)
        data = _body(request)
        key = request.headers.get("Idempotency-Key", "")
        if request.method in ("POST", "PATCH", "DELETE") and key:
            if len(key) > 200:
                raise ApiError(400, "Bad Request", "The idempotency key is too long.", "Idempotency-Key")
            response = _idempotent(api_key, key, f"{scope} {path}", data, lambda: _run(request, path, data))
        else:
            status, body = _run(request, path, data)
            response = _json(status, body) if status != 204 else HttpResponse(status=204)
        if fault is not None:  # the call ran; its answer is late (the client gives up first)
            time.sleep(fault.delay_seconds)
        return response
    except ApiError as error:
        return _json(error.status, error_body(error))
