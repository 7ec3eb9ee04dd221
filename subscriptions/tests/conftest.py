"""Billing fixtures. The Mollie sandbox fixtures (``mollie_sandbox``, ``api``, ``checkout``)
come from ``mollie_sandbox.testing``."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from django.test import Client as DjangoClient

from mollie_sandbox.testing import checkout  # noqa: F401  (the tests import it from here)
from subscriptions.models import Plan


@pytest.fixture
def make_user(make_user):
    """Customers here have the name and address an invoice needs (subscribing asks for
    them); ``address=False`` makes one without."""

    def make(*args, address: bool = True, **kwargs):
        return make_user(*args, address=address and not kwargs.get("staff", False), **kwargs)

    return make


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.create(
        name="Basis", description="Eén koppeling", price=Decimal("29.00"), interval=Plan.Interval.MONTH
    )


@pytest.fixture
def yearly_plan(db) -> Plan:
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
