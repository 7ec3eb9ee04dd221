from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from core import request_context
from core.client_ip import resolve_client_ip

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from a sane X-Request-ID of the proxy, otherwise new),
    resolves the client IP once, and binds both for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.bind(
            request_context.RequestContext(
                request_id=request_id,
                ip=resolve_client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:500],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.unbind(token)
        response["X-Request-ID"] = request_id
        return response


class IdleTimeoutMiddleware:
    """Ends a logged-in session after SESSION_COOKIE_AGE seconds without a request.

    The cookie's own expiry is enforced by the browser and the session store by wall-clock
    TTLs; this check is explicit, on the server, and uses the project's clock.

    The moment of activity is written at most once per ``ACTIVITY_WRITE_SECONDS`` (a session
    save is a database write): the timeout counts from the last *recorded* activity, so it
    can end a session up to that many seconds early, never late. The same decision
    (``request.activity_recorded``) lets the usersessions row be updated as seldom."""

    KEY = "last_activity"
    ACTIVITY_WRITE_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.shortcuts import redirect
        from django.utils import timezone
        from django.utils.translation import gettext as _

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(self.KEY)
            if isinstance(last, int) and now - last > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("U was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in."))
                target = settings.LOGIN_URL_PATH
                if request.method == "GET":
                    target = f"{target}?{urlencode({'next': request.get_full_path()})}"
                return redirect(target)
            if not isinstance(last, int) or now - last >= self.ACTIVITY_WRITE_SECONDS or now < last:
                request.session[self.KEY] = now  # modified: the session (and its expiry) is saved
                request.activity_recorded = True
        return self.get_response(request)


class UserSessionsActivityMiddleware:
    """allauth's usersessions activity tracking (IP, browser, last seen), run only on the
    requests where IdleTimeoutMiddleware records activity instead of on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "activity_recorded", False):
            from allauth.usersessions.internal.usersessionkit import track_activity

            track_activity(request, user=getattr(request, "user", None), session=getattr(request, "session", None))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a Permissions-Policy that switches off powerful
    browser features nobody here needs, and no caching of pages that belong to a logged-in
    person (shared computers, proxies)."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class DevelopmentSiteUrlMiddleware:
    """Development without SITE_URL (``settings.SITE_URL_FROM_REQUEST``): SITE_URL follows the
    address the server is reached on, so `runserver` on any port sends mail links, Mollie
    redirects and the in-process Mollie sandbox's calls back to itself. Process-wide and for
    development only: a separate Celery worker does not see it (set SITE_URL then)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        if settings.SITE_URL_FROM_REQUEST:
            origin = f"{request.scheme}://{request.get_host()}"  # get_host checks ALLOWED_HOSTS
            if settings.SITE_URL != origin:
                settings.SITE_URL = origin
        return self.get_response(request)
