"""Koppeling fixtures: the project's Exact Online sandbox served by the live server and
reached by ``koppeling.exact`` over real HTTP (the only stand-in, at the HTTP boundary)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone


@pytest.fixture
def exact_sandbox(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.EXACT_CLIENT_ID = ""
    settings.EXACT_RETRY_DELAYS = (0.05, 0.1)
    settings.EXACT_TIMEOUT = (2, 1)
    settings.EXACT_RATE_LIMIT_MAX_WAIT = 2
    # The live server answers each request in a new thread: without this each of them
    # would keep its own database connection open for a minute.
    from django.db import connection

    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield live_server
    connection.settings_dict["CONN_MAX_AGE"] = previous


def subscribe(user, *, status: str = "active", end_reason: str = ""):
    """A subscription as billing leaves it (billing itself is tested in subscriptions/)."""
    from subscriptions.models import MollieCustomer, Plan, Subscription

    plan, _created = Plan.objects.get_or_create(name="Basis", defaults={"price": Decimal("29.00")})
    customer, _created = MollieCustomer.objects.get_or_create(user=user, defaults={"mollie_id": f"cst_k{user.pk}"})
    return Subscription.objects.create(
        user=user,
        customer=customer,
        plan=plan,
        status=status,
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("35.09"),
        started_at=timezone.now() - timedelta(days=3),
        current_period_end=timezone.localdate() + timedelta(days=27),
        ended_at=timezone.now() if status in ("canceled", "ended") else None,
        end_reason=end_reason,
        dunning_amount=Decimal("35.09") if status == "suspended" else None,
        dunning_since=timezone.now() if status == "suspended" else None,
    )


@pytest.fixture
def subscribed(customer):
    subscribe(customer)
    return customer


@pytest.fixture
def browser_client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def authorize_at_sandbox(client: Client, *, user: str = "demo") -> str:
    """Press "Verbinden", log in at the sandbox as a made-up Exact user and allow: returns
    the callback URL (path and query) Exact sends the browser back to."""
    start = client.post("/portal/koppeling/verbinden/")
    assert start.status_code == 302
    parts = urlsplit(start["Location"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    sandbox = Client()  # Exact's site: its own cookies
    answer = sandbox.post(parts.path, {**query, "user": user, "decision": "allow"})
    assert answer.status_code == 302, answer.content[:500]
    back = urlsplit(answer["Location"])
    return f"{back.path}?{back.query}"


def connect(client: Client, *, division: str = "1001", user: str = "demo"):
    callback = authorize_at_sandbox(client, user=user)
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"].endswith("/portal/koppeling/administratie/"), (
        response.content[:800]
    )
    response = client.post("/portal/koppeling/administratie/", {"division": division})
    assert response.status_code == 302, response.content[:800]
    return response


__all__ = ["authorize_at_sandbox", "connect", "subscribe", "date"]
