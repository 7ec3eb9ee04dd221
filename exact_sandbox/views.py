"""The sandbox's HTTP face: Exact's authorize page, token endpoint and REST API (the few
resources the koppeling reads), and a control page to inject faults."""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from exact_sandbox import data, engine
from exact_sandbox.models import SandboxFault

PAGE_SIZE = 60
_BEARER = re.compile(r"^Bearer (\S{10,100})$")
_DIVISION_PATH = re.compile(
    r"^(\d{1,9})/(system|hrm)/Divisions$|^(\d{1,9})/(financial/Journals|vat/VATCodes|financial/GLAccounts)$"
)


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
    fault = engine.fault_take((SandboxFault.Kind.TOKEN_SERVER_ERROR,))
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
    response = JsonResponse({"error": {"code": "", "message": {"lang": "", "value": message}}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _rows(user: dict, path: str, division: int, request: HttpRequest) -> list[dict]:
    if path.endswith("Divisions"):
        return [{"Code": code, "Description": data.DIVISIONS[code]} for code in user["divisions"]]
    if path == "financial/Journals":
        rows = [{"Code": c, "Description": d, "Type": t} for c, d, t in data.JOURNALS]
        match = re.fullmatch(r"Type eq (\d+)", request.GET.get("$filter", "").strip())
        if match:
            rows = [row for row in rows if row["Type"] == int(match.group(1))]
        return rows
    if path == "vat/VATCodes":
        return [{"Code": c, "Description": d, "Percentage": p} for c, d, p in data.VAT_CODES]
    return [{"Code": c, "Description": d} for c, d in data.GL_ACCOUNTS]


@csrf_exempt
@never_cache
@require_http_methods(["GET"])
def api(request: HttpRequest, path: str) -> HttpResponse:
    _require_enabled()
    match = _BEARER.match(request.headers.get("Authorization", ""))
    found = engine.access_user(match.group(1)) if match else None
    if found is None:
        return _error(HTTPStatus.UNAUTHORIZED, "Access token is missing, invalid or expired.")
    user_key, client_id = found
    user = data.USERS[user_key]
    if path == "current/Me":
        division, resource = user["current"], "current/Me"
    else:
        route = _DIVISION_PATH.match(path)
        if route is None:
            return _error(HTTPStatus.NOT_FOUND, "Unknown resource.")
        division = int(route.group(1) or route.group(3))
        resource = path.split("/", 1)[1]
        if division not in user["divisions"]:
            return _error(HTTPStatus.FORBIDDEN, "No access to this administration.")
    fault = engine.fault_take((SandboxFault.Kind.SERVER_ERROR, SandboxFault.Kind.TIMEOUT, SandboxFault.Kind.RATE_LIMIT))
    limits = engine.rate_count(client_id=client_id, division=division)
    over = limits.pop("_over")
    if fault is not None and fault.kind == SandboxFault.Kind.RATE_LIMIT:
        limits["X-RateLimit-Minutely-Remaining"] = "0"
        limits["X-RateLimit-Minutely-Reset"] = str(int((time.time() + fault.seconds) * 1000))
        return _error(
            HTTPStatus.TOO_MANY_REQUESTS, "API rate limit exceeded.", {**limits, "Retry-After": str(fault.seconds)}
        )
    if over:
        retry = max(1, int(int(limits["X-RateLimit-Minutely-Reset"]) / 1000 - time.time()) + 1)
        return _error(HTTPStatus.TOO_MANY_REQUESTS, "API rate limit exceeded.", {**limits, "Retry-After": str(retry)})
    if fault is not None and fault.kind == SandboxFault.Kind.SERVER_ERROR:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, "Service unavailable.", limits)
    if fault is not None and fault.kind == SandboxFault.Kind.TIMEOUT:
        time.sleep(fault.seconds)
    if resource == "current/Me":
        rows = [
            {
                "CurrentDivision": user["current"],
                "UserID": user["id"],
                "UserName": user["username"],
                "FullName": user["full_name"],
            }
        ]
    else:
        rows = _rows(user, resource, division, request)
    skip = request.GET.get("$skiptoken", "0")
    start = int(skip) if skip.isdigit() else 0
    page = rows[start : start + PAGE_SIZE]
    body: dict = {"results": page}
    if start + PAGE_SIZE < len(rows):
        query = request.GET.copy()
        query["$skiptoken"] = str(start + PAGE_SIZE)
        body["__next"] = request.build_absolute_uri(request.path) + "?" + query.urlencode(safe="$")
    response = JsonResponse({"d": body})
    for name, value in limits.items():
        response[name] = value
    return response


@staff_member_required
@require_http_methods(["GET", "POST"])
def controls(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in SandboxFault.Kind.values:
            times = request.POST.get("times", "1")
            engine.fault_add(action, times=int(times) if times.isdigit() and 0 < int(times) <= 100 else 1, seconds=3)
            messages.success(request, f"Fault added: {action}")
        elif action == "revoke":
            messages.success(request, f"Refresh tokens revoked: {engine.refresh_tokens_revoke()}")
        elif action == "expire":
            messages.success(request, f"Refresh tokens expired: {engine.refresh_tokens_expire()}")
        elif action == "reset":
            engine.reset()
            messages.success(request, "Faults cleared")
        return redirect("exact_sandbox:controls")
    context = {
        "faults": SandboxFault.objects.order_by("pk"),
        "fault_kinds": SandboxFault.Kind.choices,
        "refresh_count": engine.refresh_count(),
    }
    return render(request, "exact_sandbox/controls.html", context)
