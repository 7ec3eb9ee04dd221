"""Logs: one JSON object per line from web, workers and beat alike (``LOG_FORMAT=json``, the
default in production), or readable lines in development (``LOG_FORMAT=plain``).

Every record, our own, Django's, Celery's and gunicorn's, goes through structlog's
``ProcessorFormatter``: the same fields and the same redaction for all. Context comes from
django-structlog: ``request_id`` (the id of portal.middleware.RequestContextMiddleware, also
sent back as X-Request-ID), ``user_id`` (the account's database id; never an e-mail address
or name), and in tasks ``task_id``, ``task`` (the name) and the ``request_id`` of the request
that queued it. ``duration_ms`` closes each request and task.

What never gets into a log (docs/operations.md, "Logs"):
- paths: a URL can carry a token (unsubscribe, e-mail confirmation, password reset), so a
  request is logged by its route (``GET /unsubscribe/<str:token>/``), Django's own
  "Not Found: /path" lines included;
- client addresses and user agents (django-structlog's ``ip`` is switched off);
- what a task returned (Celery's "succeeded in 0.1s: <result>");
- e-mail addresses, IBANs, Mollie keys and bearer tokens anywhere in a message or traceback,
  and any field named like a password, token, secret or key: replaced by ``[redacted]``.
  This is the safety net; the code logs ids, not personal data, in the first place.

This module reads no Django settings, so gunicorn.conf.py can use it for gunicorn's own
lines before Django is set up.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import structlog

REDACTED = "[redacted]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b")
_MOLLIE_KEY = re.compile(r"\b(?:live|test|access)_[A-Za-z0-9]{20,}\b")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_SECRET_FIELD = re.compile(r"(?i)(password|passwd|secret|token|api_?key|authorization|cookie|iban|e_?mail)")
_PERSONAL_FIELDS = ("ip", "user_agent", "remote_addr")
_KEEP_FIELDS = {"event", "level", "logger", "timestamp", "request_id", "task_id", "parent_task_id", "task"}


def scrub(text: str) -> str:
    text = _EMAIL.sub(REDACTED, text)
    text = _IBAN.sub(REDACTED, text)
    text = _MOLLIE_KEY.sub(REDACTED, text)
    return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_FIELD.search(str(k)) else _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value))


def redact(_logger, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for field in _PERSONAL_FIELDS:
        event_dict.pop(field, None)
    for key, value in list(event_dict.items()):
        if key.startswith("_"):
            continue
        if key not in _KEEP_FIELDS and _SECRET_FIELD.search(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _scrub_value(value)
    return event_dict


def route_of(request) -> str:
    """``GET /unsubscribe/<str:token>/`` for a request to /unsubscribe/abc…/: the URL pattern,
    never the path (tokens live in paths)."""
    from django.urls import Resolver404, resolve

    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return f"{request.method} (no route)"
    return f"{request.method} /{match.route}"


def paths_as_routes(_logger, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Django's own request lines ("Not Found: /unsubscribe/<token>/") name the route instead."""
    record = event_dict.get("_record")
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if path and isinstance(event_dict.get("event"), str) and hasattr(request, "method"):
        event_dict["event"] = event_dict["event"].replace(path, route_of(request).split(" ", 1)[1])
    return event_dict


def celery_results_hidden(_logger, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Celery's "Task x[id] succeeded in 0.1s: <return value>" without the return value."""
    record = event_dict.get("_record")
    args = getattr(record, "args", None)
    if record is not None and record.name == "celery.app.trace" and isinstance(args, dict) and "return_value" in args:
        event_dict["event"] = record.msg % {**args, "return_value": "(not logged)"}
    return event_dict


def _pre_chain() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(json: bool = True) -> structlog.stdlib.ProcessorFormatter:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_pre_chain(),
        processors=[
            paths_as_routes,
            celery_results_hidden,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    return formatter(json=True)


def plain_formatter() -> structlog.stdlib.ProcessorFormatter:
    return formatter(json=False)


def logging_config(*, json: bool, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dict (also gunicorn's ``logconfig_dict``): everything to stderr
    through one formatter."""
    name = "json" if json else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "portal.observability.logs.json_formatter"},
            "plain": {"()": "portal.observability.logs.plain_formatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": name}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            # No access log: its lines carry the full path (tokens live in paths) and the
            # client's address; the portal's own request_finished line replaces it.
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }


def configure_structlog() -> None:
    """structlog's own loggers (django-structlog's events) hand their event dicts to the
    standard logging handlers above."""
    structlog.configure(
        processors=[*_pre_chain(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.captureWarnings(True)  # Python's warnings as log lines too, not bare text on stderr
