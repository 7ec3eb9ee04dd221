"""Values every page reads and staff change rarely (the privacy statement's state, the cookie
groups), kept in each process's memory and checked against one shared version token.

Every web process keeps its own copy, so a page does not fetch them from Redis. A copy is good
while the token it was made under is the token in the shared cache (Redis in production); a
change anywhere (``VersionedLocalCache.delete``, ``bump()``) writes a new token, so the next
request of every process on every machine sees that its copies are stale and reads the values
again. A request reads the token once: through the session read (``core.sessions``, the same
Redis round trip as the session) or, without a session, on first use. Outside a request (tasks,
commands) the token is read on every use, so a long-lived process never keeps a stale copy.

If the token is missing (Redis emptied or restarted) a new one is made, which also makes every
copy stale.
"""

from __future__ import annotations

import time
import uuid
from contextvars import ContextVar
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.signals import request_finished, request_started

KEY = "core:shared-version"
SHARED_ALIAS = "default"

# The token as read during the current request (None outside a request).
_request: ContextVar[dict[str, str] | None] = ContextVar("core_shared_version", default=None)


def _shared() -> BaseCache:
    return caches[SHARED_ALIAS]


def _begin_request(**_kwargs) -> None:
    _request.set({})


def _end_request(**_kwargs) -> None:
    _request.set(None)


def connect_signals() -> None:
    request_started.connect(_begin_request, dispatch_uid="core.shared_version.begin")
    request_finished.connect(_end_request, dispatch_uid="core.shared_version.end")


def current() -> str:
    """The shared token (read at most once per request)."""
    snapshot = _request.get()
    if snapshot is not None and "token" in snapshot:
        return snapshot["token"]
    token = _shared().get(KEY)
    if token is None:
        _shared().add(KEY, uuid.uuid4().hex, timeout=None)
        token = _shared().get(KEY)
    if snapshot is not None:
        snapshot["token"] = token
    return token


def prefetched(token: str | None) -> None:
    """The token read together with something else in the same round trip (the session)."""
    snapshot = _request.get()
    if snapshot is not None and token is not None:
        snapshot["token"] = token


def bump() -> None:
    """Make every process's copies stale (this one's at once, the others' on their next request)."""
    token = uuid.uuid4().hex
    _shared().set(KEY, token, timeout=None)
    snapshot = _request.get()
    if snapshot is not None:
        snapshot["token"] = token


class VersionedLocalCache(BaseCache):
    """A cache backend (``CACHES["versioned"]``) for rarely changed values read on every page:
    reads come from this process's memory while the shared token is unchanged, else from the
    shared cache (then kept here); writes go to the shared cache; a delete also bumps the token.
    Timeouts hold here as in the shared cache."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._local: dict[str, tuple[str, float | None, Any]] = {}

    def _expiry(self, timeout) -> float | None:
        seconds = self.get_backend_timeout(timeout)
        return None if seconds is None else time.monotonic() + seconds

    def _remember(self, key: str, value: Any, timeout=DEFAULT_TIMEOUT) -> None:
        self._local[key] = (current(), self._expiry(timeout), value)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        token = current()
        found = self._local.get(key)
        if found is not None and found[0] == token and (found[1] is None or found[1] > time.monotonic()):
            return found[2]
        value = _shared().get(key, self._missing)
        if value is self._missing:
            self._local.pop(key, None)
            return default
        self._local[key] = (token, self._expiry(DEFAULT_TIMEOUT), value)
        return value

    _missing = object()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        _shared().set(key, value, timeout=timeout)
        self._remember(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        added = _shared().add(key, value, timeout=timeout)
        if added:
            self._remember(key, value, timeout)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._local.pop(key, None)
        return _shared().touch(key, timeout=timeout)

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        deleted = _shared().delete(key)
        self._local.pop(key, None)
        bump()
        return deleted

    def has_key(self, key, version=None):
        return self.get(key, self._missing, version=version) is not self._missing

    def clear(self):
        """Forgets this process's copies and makes every other process's stale; the shared
        cache itself is not emptied (it holds the sessions)."""
        self._local.clear()
        bump()
