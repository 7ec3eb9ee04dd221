"""Billing fixtures: the project's Mollie sandbox served by the live server, reached by the
real mollie-api-python client over HTTP (the only stand-in, at the HTTP boundary)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from django.test import Client as DjangoClient

from subscriptions.models import Plan


@pytest.fixture
def mollie_sandbox(live_server, settings):
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/sandbox/mollie"
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_RETRY_DELAYS = (0.05, 0.1)
    settings.MOLLIE_TIMEOUT = (2, 3)
    # The live server answers each request in a new thread: without this each of them
    # would keep its own database connection open for a minute.
    from django.db import connection

    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield live_server
    connection.settings_dict["CONN_MAX_AGE"] = previous


@pytest.fixture
def api(mollie_sandbox):
    """A raw HTTP session on the sandbox API (for checking shapes the client hides)."""
    from django.conf import settings

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings.MOLLIE_SANDBOX_API_KEY}"
    session.base = mollie_sandbox.url + "/sandbox/mollie/v2/"
    return session


@pytest.fixture
def plan(transactional_db) -> Plan:
    return Plan.objects.create(name="Basis", description="Eén koppeling", price=Decimal("29.00"), interval=Plan.Interval.MONTH)


@pytest.fixture
def yearly_plan(transactional_db) -> Plan:
    return Plan.objects.create(name="Jaar", price=Decimal("290.00"), interval=Plan.Interval.YEAR)


@pytest.fixture
def logged_in(customer) -> DjangoClient:
    client = DjangoClient()
    client.force_login(customer)
    return client


def checkout(url: str, outcome: str = "paid", method: str = "creditcard"):
    """The payer's choice on the sandbox's hosted checkout page."""
    from urllib.parse import urlsplit

    return DjangoClient().post(urlsplit(url).path, {"outcome": outcome, "method": method})


@pytest.fixture
def subscribe(mollie_sandbox, logged_in, plan):
    """POST the subscribe form; returns (response, payment)."""

    def run(client=None, chosen=None):
        from subscriptions.models import Payment

        client = client or logged_in
        response = client.post(f"/portal/abonnement/afsluiten/{(chosen or plan).pk}/")
        return response, Payment.objects.order_by("-id").first()

    return run


@pytest.fixture
def sandbox_worker(mollie_sandbox, transactional_db, django_db_blocker):
    """A real Celery worker (subprocess, threads pool, concurrency 1) on its own queue, that
    reaches the sandbox and the webhook on this test's live server. (The shared
    ``celery_worker_process`` is started once per session with the environment of that
    moment, so it cannot know the live server's address.)"""
    import os
    import subprocess
    import sys
    import tempfile
    import time
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from portal.celery import app
    from portal.testing.celery_worker import BASE_DIR, WorkerProcess, _database_url, _purge, _stop

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_sandbox_worker"
    _purge(app, queue)
    with django_db_blocker.unblock():
        test_db = _database_url(connection.settings_dict)
    env = {
        **os.environ,
        "DATABASE_URL": test_db,
        "PYTHONUNBUFFERED": "1",
        "CELERY_QUEUE": queue,
        "SITE_URL": mollie_sandbox.url,
        "MOLLIE_API_ENDPOINT": mollie_sandbox.url + "/sandbox/mollie",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_TEST_DB_NAME", "MOLLIE_API_KEY"):
        env.pop(name, None)
    node = f"billing-{os.getpid()}-{time.monotonic_ns()}@localhost"
    log_path = Path(tempfile.mkdtemp(prefix="billing-worker-")) / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-n", node, "--pool=threads",
               "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    worker = WorkerProcess(process=process, node=node, queue=queue, log_path=log_path)
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=1.0):
            if not worker.alive() or time.monotonic() > deadline:
                pytest.fail(f"The billing test worker did not start.\n{worker._tail()}", pytrace=False)
        yield worker
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        _stop(process)
        _purge(app, queue)
