"""The session engine (``SESSION_ENGINE = "core.sessions"``): Django's cached_db sessions
(Redis, then PostgreSQL), whose one cache read per request also fetches the shared version
token of :mod:`core.shared_version`, so a logged-in page pays one Redis round trip for both."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from core import shared_version


class SessionStore(CachedDBStore):
    def load(self):
        key = self.cache_key
        together = settings.SESSION_CACHE_ALIAS == shared_version.SHARED_ALIAS
        try:
            found = self._cache.get_many([key, shared_version.KEY] if together else [key])
        except Exception:  # noqa: BLE001 (as Django's own: an unusable key resets the session)
            found = {}
        shared_version.prefetched(found.get(shared_version.KEY))
        data = found.get(key)
        if data is None:
            session = self._get_session_from_db()
            if session:
                data = self.decode(session.session_data)
                self._cache.set(key, data, self.get_expiry_age(expiry=session.expire_date))
            else:
                data = {}
        return data
