"""When PostgreSQL or Redis does not answer, every page that needs them answers 503 with
``Retry-After`` and a short maintenance page (Dutch and English, no stack trace) instead of
a 500.

The hook is Django's ``handler500``: it is called for an uncaught exception anywhere in the
request, in a view or in a middleware (sessions and the logged-in user are read there), while
the exception is still being handled, so it can tell an outage from a bug.
"""

from __future__ import annotations

import sys
from http import HTTPStatus

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_SECONDS = 60
OUTAGE_ERRORS = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerOperationalError,
)


def is_outage(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def maintenance_response() -> HttpResponse:
    # Rendered without a request: no context processor may touch the session or the user.
    response = HttpResponse(render_to_string("503.html"), status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error_or_outage(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if is_outage(sys.exc_info()[1]):
        return maintenance_response()
    return server_error(request, template_name=template_name)
