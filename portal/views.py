from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis() -> None:
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


READINESS_CHECKS = {"database": _check_database, "redis": _check_redis}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    failed: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001  (any failure means "not ready")
            failed[name] = exc.__class__.__name__
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"status": "ok", "checks": list(READINESS_CHECKS)})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ignore the <link rel="icon"> ask for /favicon.ico: send them to the file."""
    return redirect(static("favicon.ico"), permanent=True)
