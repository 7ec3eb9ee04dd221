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
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    environment.setenv("PYTEST_XDIST_WORKER", "gw2")
    with pytest.raises(pytest.UsageError, match="would need Redis database 16"):
        xdist.isolate_worker()


def test_this_run_uses_the_isolated_settings(settings):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        assert not settings.CELERY_TASK_DEFAULT_QUEUE.endswith("_gw0")
    else:
        assert settings.CELERY_TASK_DEFAULT_QUEUE.endswith(f"_{worker}")
        assert settings.DATABASES["default"]["TEST"]["NAME"].endswith(f"_{worker}")
