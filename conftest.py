"""Shared fixtures. Tests run on PostgreSQL and Redis (see `make test`); nothing here skips
a test when a service is missing: it fails instead."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

# A test that leaves a transaction open (a thread that never finished, a broken fixture) would
# otherwise make the next flush wait for its lock forever, where pytest-timeout cannot reach:
# PostgreSQL ends such a session and gives up on such a lock, and the test fails instead.
# libpq reads PGOPTIONS in every connection: the tests', the live server's, the workers'.
os.environ.setdefault("PGOPTIONS", "-c lock_timeout=120s -c idle_in_transaction_session_timeout=180s")

pytest_plugins = [
    "portal.testing.fast_flush",
    "portal.testing.fixtures",
    "portal.testing.browser",
    "portal.testing.celery_worker",
    "portal.testing.s3",
    "mollie_sandbox.testing",
    "vies_sandbox.testing",
]


def pytest_configure(config) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"The tests run on PostgreSQL (DATABASE_URL); got {engine}. Use `make test`.")
    if not settings.REDIS_URL:
        raise pytest.UsageError("The tests need Redis (REDIS_URL). Use `make test`.")


# The long lanes (pytest.ini's markers; `make test-fast` leaves them out). In a full run they go
# first: pytest-xdist hands out tests in collection order, so a minute-long test started last
# would keep one worker busy while the others are done (longest first keeps the tail short).
LONG_LANES = ("slow", "rehearsal", "bench_smoke")


def pytest_collection_modifyitems(session, config, items) -> None:
    items.sort(key=lambda item: not any(item.get_closest_marker(lane) for lane in LONG_LANES))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The login/signup/reset answer floor (accounts.middleware.AnswerFloorMiddleware) is off,
    # as the slow hasher is: accounts/tests/test_answer_floor.py switches it on.
    settings.ACCOUNT_ANSWER_FLOOR_MS = 0


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test has its own (empty) checkpoint directory: the development one under var/
    holds the checkpoints `make run` wrote against the development database, and `audit
    verify` in a test would find chains there that its test database never had."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _fixed_site_url(settings):
    """Tests see the SITE_URL they set; following the request's host (development without
    SITE_URL) is switched on only by the test about it."""
    settings.SITE_URL_FROM_REQUEST = False


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a page asked for in English in an earlier
    test leaves English active in the thread (LocaleMiddleware activates, nothing resets)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache (axes counters, allauth rate limits, sessions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager_unless_a_worker_is_used(request):
    """Tasks run in-process by default so a test sees their effect at once; tests that use
    the real worker (the ``celery_worker_process`` fixture) send them through Redis."""
    from celery._state import _set_task_join_will_block

    from portal.celery import app

    # Celery keeps "joining a result would block" in one process-wide flag that eager tasks
    # set and restore; eager tasks in two threads at once (test + live server) can leave it
    # set, after which result.get() refuses to wait. Every test starts with it cleared.
    _set_task_join_will_block(False)
    eager = "celery_worker_process" not in request.fixturenames
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous
