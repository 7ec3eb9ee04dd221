"""Who is asking, from where, in which request: set once per request by the middleware and
read by the audit trail, so services need no request argument to record evidence."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("portal_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext()


def bind(context: RequestContext):
    return _current.set(context)


def unbind(token) -> None:
    _current.reset(token)
