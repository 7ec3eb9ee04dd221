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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from mollie_sandbox import engine
from mollie_sandbox.engine import PROFILE_ID, ApiError, Kind
from mollie_sandbox.models import SandboxFault, SandboxIdempotencyKey, SandboxObject

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
        self.api = request.build_absolute_uri(reverse("mollie_sandbox:api", args=[""]))
        self.checkout = request.build_absolute_uri(reverse("mollie_sandbox:checkout", args=["ID"]))
        self.controls = request.build_absolute_uri(reverse("mollie_sandbox:controls"))

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
            links["dashboard"] = {"href": f"{self.controls}?customer={obj.id}", "type": "text/html"}
            links["mandates"] = self.link(f"customers/{obj.id}/mandates")
            links["subscriptions"] = self.link(f"customers/{obj.id}/subscriptions")
            links["payments"] = self.link(f"customers/{obj.id}/payments")
        elif obj.kind == Kind.MANDATE:
            links["self"] = self.link(f"customers/{obj.parent_id}/mandates/{obj.id}")
            links["customer"] = self.link(f"customers/{obj.parent_id}")
        elif obj.kind == Kind.SUBSCRIPTION:
            links["self"] = self.link(f"customers/{obj.parent_id}/subscriptions/{obj.id}")
            links["customer"] = self.link(f"customers/{obj.parent_id}")
            links["profile"] = self.link(f"profiles/{PROFILE_ID}")
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
    """The sandbox is one Mollie website profile with one test key
    (``settings.MOLLIE_SANDBOX_API_KEY``). Like Mollie, it answers 401 to a request without
    a key and to any key that is not its own (a wrong, revoked or live key), before it
    looks at anything else."""
    match = _API_KEY.match(request.headers.get("Authorization", ""))
    if not match or not constant_time_compare(match.group(1), settings.MOLLIE_SANDBOX_API_KEY):
        raise ApiError(
            401,
            "Unauthorized Request",
            "Missing authentication, or failed to authenticate (the sandbox takes its own test key only).",
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


# --- the routes -------------------------------------------------------------------------------


@dataclass
class Call:
    """One API call as a handler sees it: the path's ids by name, the JSON body, the query."""

    request: HttpRequest
    path: str
    ids: dict[str, str]
    data: dict[str, Any]
    params: dict[str, str]
    render: Renderer

    @property
    def writes(self) -> bool:
        return self.request.method != "GET"

    def customer(self) -> SandboxObject:
        return engine.get(Kind.CUSTOMER, self.ids["customer"], for_update=self.writes)

    def payment(self) -> SandboxObject:
        """The payment (expired first if nobody finished its checkout in time)."""
        return engine.payment_refresh(engine.get(Kind.PAYMENT, self.ids["payment"], for_update=self.writes))

    def subscription(self) -> SandboxObject:
        customer = self.customer()
        return engine.get(Kind.SUBSCRIPTION, self.ids["subscription"], parent_id=customer.id, for_update=self.writes)

    def one(self, obj: SandboxObject, status: int = 200) -> tuple[int, dict[str, Any]]:
        return status, self.render.render(obj)

    def many(self, objects: list[SandboxObject], plural: str) -> tuple[int, dict[str, Any]]:
        return 200, self.render.render_list(objects, plural, self.path.strip("/"), self.params)


Handler = Callable[[Call], tuple[int, dict[str, Any]]]


def _customer_delete(call: Call) -> tuple[int, dict[str, Any]]:
    """As Mollie: the customer (name, e-mail) is gone (a later call about it is 404), its
    mandates are revoked and its subscriptions cancelled; its payments stay."""
    customer = call.customer()
    for mandate in engine.listing(Kind.MANDATE, parent_id=customer.id):
        if mandate.data["status"] != "invalid":
            engine.mandate_revoke(mandate)
    for subscription in engine.listing(Kind.SUBSCRIPTION, parent_id=customer.id):
        if subscription.data["status"] not in ("canceled", "completed"):
            engine.subscription_cancel(subscription)
    customer.delete()
    return 204, {}


def _mandate_revoke(call: Call) -> tuple[int, dict[str, Any]]:
    customer = call.customer()
    engine.mandate_revoke(engine.get(Kind.MANDATE, call.ids["mandate"], parent_id=customer.id))
    return 204, {}


def _payment_update(call: Call) -> tuple[int, dict[str, Any]]:
    payment = call.payment()
    for name in ("description", "redirectUrl", "webhookUrl", "metadata"):
        if name in call.data:
            payment.data[name] = call.data[name]
    payment.save(update_fields=["data"])
    return call.one(payment)


def _subscription_payments(call: Call) -> tuple[int, dict[str, Any]]:
    subscription = call.subscription()
    payments = engine.listing(Kind.PAYMENT, parent_id=subscription.parent_id, data__subscriptionId=subscription.id)
    return call.many(payments, "payments")


def _payment_child(kind: str) -> Handler:
    def get(call: Call) -> tuple[int, dict[str, Any]]:
        return call.one(engine.get(kind, call.ids["child"], parent_id=call.payment().id))

    return get


# (method, path with {placeholders} for ids, handler): the part of Mollie's v2 API the
# portal and the sandbox's own tests use.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", "customers", lambda c: c.one(engine.customer_create(c.data), 201)),
    ("GET", "customers", lambda c: c.many(engine.listing(Kind.CUSTOMER), "customers")),
    ("GET", "customers/{customer}", lambda c: c.one(c.customer())),
    ("PATCH", "customers/{customer}", lambda c: c.one(engine.customer_update(c.customer(), c.data))),
    ("DELETE", "customers/{customer}", _customer_delete),
    (
        "GET",
        "customers/{customer}/mandates",
        lambda c: c.many(engine.listing(Kind.MANDATE, parent_id=c.customer().id), "mandates"),
    ),
    (
        "GET",
        "customers/{customer}/mandates/{mandate}",
        lambda c: c.one(engine.get(Kind.MANDATE, c.ids["mandate"], parent_id=c.customer().id)),
    ),
    ("DELETE", "customers/{customer}/mandates/{mandate}", _mandate_revoke),
    (
        "GET",
        "customers/{customer}/payments",
        lambda c: c.many(engine.listing(Kind.PAYMENT, parent_id=c.customer().id), "payments"),
    ),
    (
        "POST",
        "customers/{customer}/payments",
        lambda c: c.one(engine.payment_create(c.data, customer_id=c.customer().id), 201),
    ),
    (
        "GET",
        "customers/{customer}/subscriptions",
        lambda c: c.many(engine.listing(Kind.SUBSCRIPTION, parent_id=c.customer().id), "subscriptions"),
    ),
    (
        "POST",
        "customers/{customer}/subscriptions",
        lambda c: c.one(engine.subscription_create(c.customer(), c.data), 201),
    ),
    ("GET", "customers/{customer}/subscriptions/{subscription}", lambda c: c.one(c.subscription())),
    (
        "PATCH",
        "customers/{customer}/subscriptions/{subscription}",
        lambda c: c.one(engine.subscription_update(c.subscription(), c.data)),
    ),
    (
        "DELETE",
        "customers/{customer}/subscriptions/{subscription}",
        lambda c: c.one(engine.subscription_cancel(c.subscription())),
    ),
    ("GET", "customers/{customer}/subscriptions/{subscription}/payments", _subscription_payments),
    ("POST", "payments", lambda c: c.one(engine.payment_create(c.data), 201)),
    ("GET", "payments", lambda c: c.many(engine.listing(Kind.PAYMENT), "payments")),
    ("GET", "payments/{payment}", lambda c: c.one(c.payment())),
    ("PATCH", "payments/{payment}", _payment_update),
    ("DELETE", "payments/{payment}", lambda c: c.one(engine.payment_cancel(c.payment()))),
    ("POST", "payments/{payment}/refunds", lambda c: c.one(engine.refund_create(c.payment(), c.data), 201)),
    (
        "GET",
        "payments/{payment}/refunds",
        lambda c: c.many(engine.listing(Kind.REFUND, parent_id=c.payment().id), "refunds"),
    ),
    ("GET", "payments/{payment}/refunds/{child}", _payment_child(Kind.REFUND)),
    (
        "GET",
        "payments/{payment}/chargebacks",
        lambda c: c.many(engine.listing(Kind.CHARGEBACK, parent_id=c.payment().id), "chargebacks"),
    ),
    ("GET", "payments/{payment}/chargebacks/{child}", _payment_child(Kind.CHARGEBACK)),
    ("GET", "subscriptions", lambda c: c.many(engine.listing(Kind.SUBSCRIPTION), "subscriptions")),
)


def _match(template: str, parts: list[str]) -> dict[str, str] | None:
    """The ids named in ``template`` if ``parts`` fit it, else None."""
    pattern = template.split("/")
    if len(pattern) != len(parts):
        return None
    ids = {}
    for expected, part in zip(pattern, parts, strict=True):
        if expected.startswith("{"):
            if not part:
                return None
            ids[expected[1:-1]] = part
        elif expected != part:
            return None
    return ids


def _route(request: HttpRequest, path: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Do what the call asks; returns (HTTP status, body). 404 for a path none of the routes
    has, 405 for a method the path does not take."""
    parts = path.strip("/").split("/")
    known_path = False
    for method, template, handler in ROUTES:
        ids = _match(template, parts)
        if ids is None:
            continue
        known_path = True
        if method == request.method:
            return handler(Call(request, path, ids, data, request.GET.dict(), Renderer(request)))
    if known_path:
        raise _method_not_allowed()
    raise ApiError(404, "Not Found", "The resource does not exist.")


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
