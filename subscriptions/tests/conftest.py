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
def make_user(make_user):
    """Customers here have the name and address an invoice needs (subscribing asks for
    them); ``address=False`` makes one without."""

    def make(*args, address: bool = True, **kwargs):
        return make_user(*args, address=address and not kwargs.get("staff", False), **kwargs)

    return make


@pytest.fixture
def plan(transactional_db) -> Plan:
    return Plan.objects.create(
        name="Basis", description="Eén koppeling", price=Decimal("29.00"), interval=Plan.Interval.MONTH
    )


@pytest.fixture
def yearly_plan(transactional_db) -> Plan:
    return Plan.objects.create(name="Jaar", price=Decimal("290.00"), interval=Plan.Interval.YEAR)


@pytest.fixture
def logged_in(customer) -> DjangoClient:
    client = DjangoClient()
    client.force_login(customer)
    return client


@pytest.fixture
def staff_client(make_user) -> tuple[DjangoClient, object]:
    """A logged-in superuser with a second factor (the admin asks for one): (client, user)."""
    from allauth.mfa.models import Authenticator

    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = DjangoClient()
    client.force_login(staff)
    return client, staff


def browser_session(user, base_url: str) -> requests.Session:
    """A real HTTP session of a logged-in user on the live server (CSRF token set), for
    requests fired from several threads at once."""
    from django.conf import settings

    client = DjangoClient()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    session.get(base_url + "/portal/abonnement/", timeout=30)
    session.headers["X-CSRFToken"] = session.cookies[settings.CSRF_COOKIE_NAME]
    return session


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
    """A real Celery worker (subprocess) on a queue of its own that reaches the sandbox and
    the webhook on this test's live server. (The shared ``celery_worker_process`` is
    started once per session with the environment of that moment, so it cannot know the
    live server's address.)"""
    from django.conf import settings
    from django.db import connection

    from portal.celery import app
    from portal.testing.celery_worker import _purge, run_celery_worker

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_sandbox_worker"
    extra_env = {
        "SITE_URL": mollie_sandbox.url,
        "MOLLIE_API_ENDPOINT": mollie_sandbox.url + "/sandbox/mollie",
        "MOLLIE_API_KEY": "",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    with django_db_blocker.unblock():
        database_settings = dict(connection.settings_dict)
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    with run_celery_worker(
        queue=queue, database_settings=database_settings, extra_env=extra_env, name="billing"
    ) as worker:
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        try:
            yield worker
        finally:
            app.conf.task_always_eager, app.conf.task_default_queue = previous
            _purge(app, queue)
