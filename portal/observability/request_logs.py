"""django-structlog's request and task lines, fitted to this project: the request id is
the one RequestContextMiddleware gave the request (and returns as X-Request-ID), the request
is named by its route rather than its path, no user agent or address, and a duration."""

from __future__ import annotations

import time

import structlog
from django.dispatch import receiver
from django_structlog import signals
from django_structlog.celery import signals as celery_signals
from django_structlog.middlewares import RequestMiddleware

from portal.observability.logs import route_of


class RequestLogMiddleware(RequestMiddleware):
    """After RequestContextMiddleware (its id) and AuthenticationMiddleware (the user id)."""

    @staticmethod
    def format_request(request) -> str:
        return route_of(request)


@receiver(signals.bind_extra_request_metadata)
def _request_started(request, logger, log_kwargs, **kwargs) -> None:
    request._log_started = time.monotonic()
    request_id = getattr(request, "request_id", None)
    if request_id:
        structlog.contextvars.bind_contextvars(request_id=request_id)
    log_kwargs.pop("user_agent", None)


def _duration_ms(request) -> int | None:
    started = getattr(request, "_log_started", None)
    return None if started is None else round((time.monotonic() - started) * 1000)


@receiver(signals.bind_extra_request_finished_metadata)
def _request_finished(request, logger, response, log_kwargs, **kwargs) -> None:
    log_kwargs["duration_ms"] = _duration_ms(request)


@receiver(signals.bind_extra_request_failed_metadata)
def _request_failed(request, logger, exception, log_kwargs, **kwargs) -> None:
    log_kwargs["duration_ms"] = _duration_ms(request)


@receiver(celery_signals.bind_extra_task_metadata)
def _task_started(task, logger, **kwargs) -> None:
    structlog.contextvars.bind_contextvars(task=task.name)
