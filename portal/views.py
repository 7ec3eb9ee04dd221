from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dashboard.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: the web tier's own dependencies only (portal.health)."""
    results = health.web_readiness()
    failed = {r.name: r.detail for r in results if not r.ok}
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"status": "ok", "checks": [r.name for r in results]})


@never_cache
@require_GET
def healthz_jobs(request: HttpRequest) -> HttpResponse:
    """For monitoring, not the load balancer: 503 when a scheduled job is overdue."""
    results = health.job_heartbeats()
    body = {"status": "ok" if all(r.ok for r in results) else "overdue", "jobs": {r.name: r.ok for r in results}}
    return JsonResponse(body, status=HTTPStatus.OK if all(r.ok for r in results) else HTTPStatus.SERVICE_UNAVAILABLE)
