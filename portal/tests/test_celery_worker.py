"""Issue 2 item 4: a task travels through real Redis to a real worker process and back."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from portal.tasks import ping

pytestmark = pytest.mark.worker


def test_ping_goes_through_redis_to_a_worker_and_back(celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis://")

    result = ping.delay("hallo")

    assert result.get(timeout=30) == "pong:hallo"
    # The answer came from the worker process, not from this one.
    assert result.successful()
    assert f"Task portal.tasks.ping[{result.id}] received" in celery_worker_process.log_text()
    assert celery_worker_process.pid != os.getpid()


def test_the_worker_uses_the_test_database(celery_worker_process, make_user):
    from django.db import connection

    from portal.testing.celery_worker import database_probe

    make_user("gedeeld")  # committed: the test runs with transactional_db

    answer = database_probe.delay("gedeeld").get(timeout=30)

    assert answer == {"database": connection.settings_dict["NAME"], "sees_user": True}
    assert database_probe.delay("niemand").get(timeout=30)["sees_user"] is False
