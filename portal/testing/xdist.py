"""Loaded first (``-p portal.testing.xdist`` in pytest.ini), before pytest-django reads the
settings: under pytest-xdist (``-n N``) every worker is a test run of its own.

pytest-django gives each worker its own test database (``…_gw0``, ``…_gw1``). Here, from the
environment the settings are read from, each worker gets its own Redis database (the tests
empty it with cache.clear(), which is FLUSHDB: REDIS_URL's database plus the worker number),
its own Celery queue and cache key prefix. The Celery worker a test starts inherits this
environment. Live servers take a free port, and each worker starts its own browser.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

REDIS_DATABASES_DEFAULT = 16  # Redis's own default; a server configured with more says so


def _redis_databases(url: str) -> int:
    """How many databases the server has (``CONFIG GET databases``; 16 when it will not say)."""
    import redis

    try:
        answer = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).config_get("databases")
        return int(answer["databases"])
    except (redis.RedisError, KeyError, ValueError):
        return REDIS_DATABASES_DEFAULT


def isolate_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    index = int(worker.removeprefix("gw"))
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        parts = urlsplit(redis_url)
        database = int(parts.path.strip("/") or 0) + index
        if database >= _redis_databases(redis_url):
            raise pytest.UsageError(
                f"xdist worker {worker} would need Redis database {database}: use fewer workers or a lower "
                "database number in REDIS_URL."
            )
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    os.environ["CELERY_QUEUE"] = f"{os.environ.get('CELERY_QUEUE', 'portal')}_{worker}"
    os.environ["CACHE_KEY_PREFIX"] = f"{os.environ.get('CACHE_KEY_PREFIX', 'portal')}_{worker}"


isolate_worker()
