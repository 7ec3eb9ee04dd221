from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health
from portal.observability.access import is_monitoring_client


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/home.html")


RECENT_EVENTS = 5


@login_required
@never_cache
@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """204 for a logged-in customer: the whole middleware stack and nothing else (the
    yardstick of bench/bench_pages.py; also a cheap "am I still logged in" for scripts)."""
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


@login_required
@never_cache
@require_GET
def blank(request: HttpRequest) -> HttpResponse:
    """The site's layout with empty content for a logged-in customer: the menu, the cookie
    banner and the statement notice, nothing of its own (the yardstick of
    bench/bench_pages.py for the logged-in overhead and for the dashboard's own work)."""
    return render(request, "portal/blank.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Billing, the koppeling and the latest activity at a glance: three queries whatever the
    customer's history (one fixed statement for billing and the koppeling, one for the last
    sync run with the open errors, one for the activity)."""
    from audit.events import Action
    from audit.selectors import recent_events
    from koppeling.selectors import KoppelingState, dashboard_status
    from subscriptions.selectors import BillingState
    from sync.selectors import summary as sync_summary

    koppeling = dashboard_status(user=request.user)  # billing too, in one fixed query
    billing = koppeling.billing
    # Formatted here as the template's |date:"c" and |date:"SHORT_DATETIME_FORMAT" would (in
    # local time, the format looked up once): the same text without two filters per event.
    shown = get_format("SHORT_DATETIME_FORMAT")
    events = []
    for occurred_at, action in recent_events(user=request.user, limit=RECENT_EVENTS):
        try:
            label = Action(action).label
        except ValueError:
            label = action
        at = timezone.localtime(occurred_at)
        events.append({"iso": at.isoformat(), "shown": dateformat.format(at, shown), "label": label})
    notices = []
    if billing.state == BillingState.PAST_DUE:
        notices.append("past_due")
    if koppeling.state == KoppelingState.NEEDS_RECONNECT:
        notices.append("reconnect")
    if koppeling.state == KoppelingState.CHOOSING:
        notices.append("choose")
    if billing.state in (BillingState.NONE, BillingState.ENDED_UNPAID):
        notices.append("subscribe")
    context = {
        "billing": billing,
        "koppeling": koppeling,
        "sync": sync_summary(user=request.user),
        "events": events,
        "notices": notices,
    }
    return render(request, "portal/dashboard.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: the web tier's own dependencies only (portal.health), and 503
    while this node drains before a graceful shutdown (gunicorn.conf.py)."""
    if health.draining():
        return JsonResponse({"status": "draining"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    results = health.web_readiness()
    failed = {r.name: r.detail for r in results if not r.ok}
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"status": "ok", "checks": [r.name for r in results]})


@never_cache
@require_GET
def healthz_jobs(request: HttpRequest) -> HttpResponse:
    """For monitoring, not the load balancer: 503 when a scheduled job is overdue. Which job
    and why only for the monitoring addresses (METRICS_ALLOWED_IPS); anyone else gets the
    status code alone."""
    results = health.job_heartbeats()
    status = HTTPStatus.OK if all(r.ok for r in results) else HTTPStatus.SERVICE_UNAVAILABLE
    if not is_monitoring_client(request):
        return HttpResponse(status=status)
    body = {
        "status": "ok" if status == HTTPStatus.OK else "overdue",
        "jobs": {r.name: r.ok for r in results},
        "details": {r.name: r.detail for r in results if not r.ok},
    }
    return JsonResponse(body, status=status)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ignore the <link rel="icon"> ask for /favicon.ico: send them to the file."""
    return redirect(static("favicon.ico"), permanent=True)
