"""The sandbox's HTTP face: Exact's authorize page, token endpoint and REST API (the
resources the koppeling reads and writes), and a control page for faults, limits and what
happens in Exact afterwards (an invoice processed or paid)."""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from exact_sandbox import data, engine, odata, resources
from exact_sandbox.models import SandboxAccount, SandboxFault, SandboxInvoice, SandboxItem

_BEARER = re.compile(r"^Bearer (\S{10,100})$")


def _require_enabled() -> None:
    if not engine.enabled():
        raise Http404


def _valid_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(uri) <= 500


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Exact's login and consent page: the tester logs in as a made-up Exact user."""
    _require_enabled()
    params = request.GET if request.method == "GET" else request.POST
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    state = params.get("state", "")[:500]
    if not engine.client_ok(client_id) or params.get("response_type") != "code" or not _valid_redirect(redirect_uri):
        return render(request, "exact_sandbox/authorize_error.html", status=HTTPStatus.BAD_REQUEST)
    error = ""
    if request.method == "POST":
        user_key = request.POST.get("user", "")
        if request.POST.get("decision") == "deny":
            return HttpResponseRedirect(_with_query(redirect_uri, {"error": "access_denied", "state": state}))
        if user_key in data.USERS:
            code = engine.code_issue(user_key=user_key, client_id=client_id, redirect_uri=redirect_uri)
            return HttpResponseRedirect(_with_query(redirect_uri, {"code": code, "state": state}))
        error = "unknown user"
    context = {
        "users": data.USERS,
        "divisions": data.DIVISIONS,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "error": error,
    }
    status = HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK
    return render(request, "exact_sandbox/authorize.html", context, status=status)


def _with_query(uri: str, query: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(query)


@csrf_exempt
@require_http_methods(["POST"])
def token(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    fault = engine.fault_take((SandboxFault.Kind.TOKEN_SERVER_ERROR,), endpoint="", method="")
    if fault is not None:
        return JsonResponse({"error": "server_error"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    try:
        pair = engine.token_grant({key: request.POST.get(key, "") for key in request.POST})
    except engine.OAuthError as exc:
        body = {"error": exc.error}
        if exc.description:
            body["error_description"] = exc.description
        return JsonResponse(body, status=exc.status)
    response = JsonResponse(pair)
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    """Exact's error body: ``{"error": {"code": "", "message": {"lang": "", "value": "…"}}}``."""
    response = JsonResponse({"error": {"code": "", "message": {"lang": "", "value": message}}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@dataclass(frozen=True)
class Resource:
    """One ``{division}/<endpoint>`` of the sandbox's REST API."""

    rows: Callable[[dict, int], list[dict]] | None = None  # a fixed list (filtered in memory)
    filters: tuple[str, ...] | dict = ()
    queryset: Callable[[int], QuerySet] | None = None  # stored rows (filtered in the database)
    row: Callable[..., dict] | None = None
    create: Callable[[int, dict], object] | None = None
    sample: Callable[[], object] | None = None  # an unsaved record: the fields a row has

    def fields(self, user: dict, division: int) -> set[str]:
        if self.rows is not None:
            rows = self.rows(user, division)
            return set(rows[0]) if rows else set()
        return set(self.row(self.sample(), ""))


def _divisions(user: dict, _division: int) -> list[dict]:
    return [{"Code": code, "Description": data.DIVISIONS[code]} for code in user["divisions"]]


RESOURCES: dict[str, Resource] = {
    "system/Divisions": Resource(rows=_divisions, filters=("Code",)),
    "hrm/Divisions": Resource(rows=_divisions, filters=("Code",)),
    "financial/Journals": Resource(
        rows=lambda _user, _division: [{"Code": c, "Description": d, "Type": t} for c, d, t in data.JOURNALS],
        filters=("Code", "Type"),
    ),
    "vat/VATCodes": Resource(
        rows=lambda _user, _division: [{"Code": c, "Description": d, "Percentage": p} for c, d, p in data.VAT_CODES],
        filters=("Code",),
    ),
    "financial/GLAccounts": Resource(
        rows=lambda _user, _division: [{"Code": c, "Description": d} for c, d in data.GL_ACCOUNTS],
        filters=("Code",),
    ),
    "crm/Accounts": Resource(
        queryset=lambda division: SandboxAccount.objects.filter(division=division),
        filters=resources.ACCOUNT_FILTERS,
        row=resources.account_row,
        create=resources.account_create,
        sample=lambda: SandboxAccount(division=0, code="", name=""),
    ),
    "logistics/Items": Resource(
        queryset=lambda division: SandboxItem.objects.filter(division=division),
        filters=resources.ITEM_FILTERS,
        row=resources.item_row,
        create=resources.item_create,
        sample=lambda: SandboxItem(division=0, code="", description=""),
    ),
    "salesinvoice/SalesInvoices": Resource(
        queryset=lambda division: SandboxInvoice.objects.filter(division=division).select_related("ordered_by"),
        filters=resources.INVOICE_FILTERS,
        row=resources.invoice_row,
        create=resources.invoice_create,
        sample=resources.invoice_sample,
    ),
    "cashflow/Receivables": Resource(
        queryset=lambda division: resources.receivables().filter(division=division).select_related("ordered_by"),
        filters=resources.RECEIVABLE_FILTERS,
        row=resources.receivable_row,
        sample=resources.invoice_sample,
    ),
}


def _page(request: HttpRequest, items, render: Callable[[object], dict], known: set[str]) -> dict:
    """One page of at most 60 rows of ``items`` (a list or a queryset), ``$top`` and
    ``$select`` applied, with ``__next`` when more follow."""
    limit = odata.top(request.GET)
    fields = request.GET.get("$select", "")
    unknown = sorted({name.strip() for name in fields.split(",") if name.strip()} - known)
    if unknown:
        raise odata.ODataError(f"The property '{unknown[0]}' does not exist.")
    skip = request.GET.get("$skiptoken", "0")
    start = int(skip) if skip.isdigit() else 0
    stop = start + odata.PAGE_SIZE if limit is None else min(start + odata.PAGE_SIZE, limit)
    chunk = list(items[start : stop + 1]) if stop > start else []
    more = len(chunk) > stop - start and (limit is None or stop < limit)
    body: dict = {"results": [odata.select(render(item), fields) for item in chunk[: stop - start]]}
    if more:
        query = request.GET.copy()
        query["$skiptoken"] = str(stop)
        body["__next"] = request.build_absolute_uri(request.path) + "?" + query.urlencode(safe="$'")
    return body


def _read(request: HttpRequest, resource: Resource, user: dict, division: int, base: str) -> dict:
    if resource.rows is not None:
        conditions = odata.parse_filter(request.GET.get("$filter", ""), resource.filters)
        rows = [row for row in resource.rows(user, division) if odata.matches(row, conditions)]
        return _page(request, rows, lambda row: row, resource.fields(user, division))
    queryset = resources.query(resource.queryset(division), request.GET.get("$filter", ""), resource.filters)
    return _page(request, queryset.order_by("pk"), lambda obj: resource.row(obj, base), resource.fields(user, division))


def _create(request: HttpRequest, resource: Resource, division: int, base: str) -> dict:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise odata.ODataError("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise odata.ODataError("The request body must be a JSON object.")
    created = resource.create(division, body)
    if isinstance(created, SandboxInvoice):
        return resources.invoice_row(created, base, with_lines=True)
    return resource.row(created, base)


def _drop_connection(request: HttpRequest) -> bool:
    """Close the client's connection without an answer (as a network failure would after
    Exact stored the record). gunicorn hands the socket over; Django's development and test
    server keep it behind the request's input stream."""
    sock = request.META.get("gunicorn.socket")
    if sock is None:
        stream = getattr(request.META.get("wsgi.input"), "stream", None)
        sock = getattr(getattr(stream, "raw", None), "_sock", None)
    if sock is None:
        return False
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    return True


def _broken_body(body: bytes) -> StreamingHttpResponse:
    """Where the socket is out of reach: the headers and half a body, then the end."""

    def chunks():
        yield body[: len(body) // 2]
        raise ConnectionAbortedError("sandbox: connection dropped after the record was stored")

    response = StreamingHttpResponse(chunks(), content_type="application/json", status=HTTPStatus.CREATED)
    response["Content-Length"] = str(len(body))
    return response


def _blocked(seconds: float, headers: dict[str, str]) -> JsonResponse:
    retry = max(1, math.ceil(seconds))
    return _error(
        HTTPStatus.TOO_MANY_REQUESTS,
        f"Too many errors on this endpoint: the app is blocked on it for {retry} more seconds.",
        {**headers, "Retry-After": str(retry)},
    )


def _route(path: str, user: dict) -> tuple[int | None, str]:
    """(division, endpoint) of an API path; division None when the path names none."""
    if path == "current/Me":
        return user["current"], "current/Me"
    division, _slash, endpoint = path.partition("/")
    if not division.isdigit() or not endpoint:
        return None, path
    return int(division), endpoint


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def api(request: HttpRequest, path: str) -> HttpResponse:  # noqa: C901, PLR0911, PLR0912 - one call, in Exact's order of checks
    """Exact's REST API: authenticate, route, the error block, faults, the rate limit, then
    the resource; each error answer (400, 401, 403, 404) counts towards the error rule."""
    _require_enabled()
    match = _BEARER.match(request.headers.get("Authorization", ""))
    token = match.group(1) if match else ""
    found = engine.access_user(token) if token else None
    owner = found or (engine.access_user(token, valid=False) if token else None)
    user = data.USERS[owner[0]] if owner else None
    division, endpoint = _route(path, user) if user else (None, path)

    def count_error() -> None:
        if owner and division is not None:
            engine.error_count(client_id=owner[1], user_key=owner[0], division=division, endpoint=endpoint)

    if found is None:
        count_error()
        return _error(HTTPStatus.UNAUTHORIZED, "Access token is missing, invalid or expired.")
    user_key, client_id = found
    resource = RESOURCES.get(endpoint)
    if endpoint != "current/Me" and (division is None or resource is None):
        count_error()
        return _error(HTTPStatus.NOT_FOUND, "Unknown resource.")
    if division not in user["divisions"]:
        count_error()
        return _error(HTTPStatus.FORBIDDEN, "No access to this administration.")
    if request.method == "POST" and (resource is None or resource.create is None):
        return _error(HTTPStatus.METHOD_NOT_ALLOWED, "This resource cannot be created.", {"Allow": "GET"})

    config = engine.settings_get()
    scope = {"client_id": client_id, "user_key": user_key, "division": division, "endpoint": endpoint}
    blocked = engine.blocked_for(**scope)
    if blocked:
        headers = engine.rate_count(client_id=client_id, division=division, config=config, count=False)
        headers.pop("_over")
        return _blocked(blocked, headers)
    fault = engine.fault_take(engine.API_FAULTS, endpoint=endpoint, method=request.method)
    kind = fault.kind if fault else None
    limits = engine.rate_count(client_id=client_id, division=division, config=config)
    over = limits.pop("_over")
    if kind == SandboxFault.Kind.ERROR_BLOCK:
        engine.block(**scope, seconds=fault.seconds)
        return _blocked(fault.seconds, limits)
    if kind == SandboxFault.Kind.RATE_LIMIT:
        limits["X-RateLimit-Minutely-Remaining"] = "0"
        limits["X-RateLimit-Minutely-Reset"] = str(int((time.time() + fault.seconds) * 1000))
        retry = str(max(1, math.ceil(fault.seconds)))
        return _error(HTTPStatus.TOO_MANY_REQUESTS, "API rate limit exceeded.", {**limits, "Retry-After": retry})
    if over:
        retry = str(max(1, math.ceil(over)))
        return _error(HTTPStatus.TOO_MANY_REQUESTS, "API rate limit exceeded.", {**limits, "Retry-After": retry})
    if kind == SandboxFault.Kind.SERVER_ERROR:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, "Service unavailable.", limits)
    if kind == SandboxFault.Kind.VALIDATION_ERROR:
        count_error()
        return _error(HTTPStatus.BAD_REQUEST, fault.message or "Validation failed.", limits)
    if kind == SandboxFault.Kind.TIMEOUT:
        time.sleep(fault.seconds)

    base = request.build_absolute_uri(f"/sandbox/exact/api/v1/{division}")
    try:
        if endpoint == "current/Me":
            me = {
                "CurrentDivision": user["current"],
                "UserID": user["id"],
                "UserName": user["username"],
                "FullName": user["full_name"],
            }
            body, status = {"results": [me]}, HTTPStatus.OK
        elif request.method == "GET":
            body, status = _read(request, resource, user, division, base), HTTPStatus.OK
        else:
            body, status = _create(request, resource, division, base), HTTPStatus.CREATED
    except odata.ODataError as exc:
        count_error()
        return _error(HTTPStatus.BAD_REQUEST, str(exc), limits)

    if kind == SandboxFault.Kind.COMMIT_THEN_SERVER_ERROR:
        return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "An internal error occurred.", limits)
    if kind == SandboxFault.Kind.COMMIT_THEN_TIMEOUT:
        time.sleep(fault.seconds)
    if kind == SandboxFault.Kind.COMMIT_THEN_DROP:
        if not _drop_connection(request):
            return _broken_body(json.dumps({"d": body}).encode())
    response = JsonResponse({"d": body}, status=status)
    for name, value in limits.items():
        response[name] = value
    return response


def _positive(raw: str, default: float, *, maximum: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if 0 < value <= maximum else default


@staff_member_required
@require_http_methods(["GET", "POST"])
def controls(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in SandboxFault.Kind.values:
            endpoint = request.POST.get("endpoint", "").strip()
            method = request.POST.get("method", "")
            if endpoint and endpoint not in RESOURCES:
                messages.error(request, f"Unknown endpoint: {endpoint[:60]}")
            elif action in engine.COMMIT_FAULTS and method == "GET":
                messages.error(request, f"{action} happens to creates (POST) only")
            else:
                engine.fault_add(
                    action,
                    endpoint=endpoint,
                    method=method if method in ("GET", "POST") else "",
                    times=int(_positive(request.POST.get("times", "1"), 1, maximum=100)),
                    seconds=_positive(request.POST.get("seconds", "3"), 3, maximum=7200),
                    message=request.POST.get("message", "")[:300],
                )
                messages.success(request, f"Fault added: {action}")
        elif action == "limits":
            engine.limits_set(
                limits_on=request.POST.get("limits_on") == "on",
                minute_limit=int(_positive(request.POST.get("minute_limit", ""), 60, maximum=10**6)),
                day_limit=int(_positive(request.POST.get("day_limit", ""), 5000, maximum=10**9)),
                minute_seconds=_positive(request.POST.get("minute_seconds", ""), 60, maximum=3600),
                day_seconds=_positive(request.POST.get("day_seconds", ""), 86400, maximum=86400 * 7),
                error_limit=int(_positive(request.POST.get("error_limit", ""), 10, maximum=10**6)),
                error_window_seconds=_positive(request.POST.get("error_window_seconds", ""), 3600, maximum=86400),
                block_seconds=_positive(request.POST.get("block_seconds", ""), 3600, maximum=86400),
                refresh_rule_on=request.POST.get("refresh_rule_on") == "on",
            )
            messages.success(request, "Limits saved")
        elif action in ("process", "paid"):
            division = request.POST.get("division", "")
            your_ref = request.POST.get("your_ref", "").strip()[:100]
            change = engine.invoice_mark_paid if action == "paid" else engine.invoice_process
            try:
                invoice = change(division=int(division) if division.isdigit() else 0, your_ref=your_ref)
            except (LookupError, ValueError) as exc:
                messages.error(request, f"No single invoice with that reference: {exc}")
            else:
                messages.success(request, f"Invoice {invoice.invoice_number} ({invoice.your_ref}): {action}")
        elif action == "revoke":
            messages.success(request, f"Refresh tokens revoked: {engine.refresh_tokens_revoke()}")
        elif action == "expire":
            messages.success(request, f"Refresh tokens expired: {engine.refresh_tokens_expire()}")
        elif action == "reset":
            engine.reset()
            messages.success(request, "Faults, blocks and limits reset")
        return redirect("exact_sandbox:controls")
    context = {
        "faults": SandboxFault.objects.order_by("pk"),
        "fault_kinds": SandboxFault.Kind.choices,
        "endpoints": [name for name in RESOURCES if name != "hrm/Divisions"],
        "limits": engine.settings_get(),
        "divisions": data.DIVISIONS,
        "refresh_count": engine.refresh_count(),
        "invoices": SandboxInvoice.objects.select_related("ordered_by").order_by("-pk")[:20],
    }
    return render(request, "exact_sandbox/controls.html", context)
