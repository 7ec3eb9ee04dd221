"""Under pytest-xdist each worker gets its own Redis database, Celery queue and cache prefix
(portal/testing/xdist.py), so one worker's cache.clear() (FLUSHDB) or queue purge never
touches another's."""

from __future__ import annotations

import os

import pytest

from portal.testing import xdist


@pytest.fixture
def environment(monkeypatch):
    for name in ("PYTEST_XDIST_WORKER", "REDIS_URL", "CELERY_QUEUE", "CACHE_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_each_worker_gets_the_next_redis_database_and_its_own_queue(environment):
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    environment.setenv("CELERY_QUEUE", "q_x")
    environment.setenv("PYTEST_XDIST_WORKER", "gw2")
    xdist.isolate_worker()
    assert os.environ["REDIS_URL"] == "redis://127.0.0.1:6379/5"
    assert os.environ["CELERY_QUEUE"] == "q_x_gw2"
    assert os.environ["CACHE_KEY_PREFIX"] == "portal_gw2"


def test_without_xdist_nothing_changes(environment):
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    xdist.isolate_worker()
    assert os.environ["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert "CELERY_QUEUE" not in os.environ


def test_running_out_of_redis_databases_stops_with_a_clear_message(environment):
    import redis

    databases = int(redis.Redis.from_url("redis://127.0.0.1:6379/0").config_get("databases")["databases"])
    environment.setenv("REDIS_URL", f"redis://127.0.0.1:6379/{databases - 2}")
    environment.setenv("PYTEST_XDIST_WORKER", "gw2")
    with pytest.raises(pytest.UsageError, match=f"would need Redis database {databases}"):
        xdist.isolate_worker()


def test_every_database_the_server_has_can_be_used(environment):
    """Up to the server's own count (64 on this machine's Redis), not Redis's default 16."""
    import redis

    databases = int(redis.Redis.from_url("redis://127.0.0.1:6379/0").config_get("databases")["databases"])
    environment.setenv("REDIS_URL", f"redis://127.0.0.1:6379/{databases - 3}")
    environment.setenv("PYTEST_XDIST_WORKER", "gw2")
    xdist.isolate_worker()
    assert os.environ["REDIS_URL"] == f"redis://127.0.0.1:6379/{databases - 1}"


def test_this_run_uses_the_isolated_settings(settings):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        assert not settings.CELERY_TASK_DEFAULT_QUEUE.endswith("_gw0")
    else:
        assert settings.CELERY_TASK_DEFAULT_QUEUE.endswith(f"_{worker}")
        assert settings.DATABASES["default"]["TEST"]["NAME"].endswith(f"_{worker}")
