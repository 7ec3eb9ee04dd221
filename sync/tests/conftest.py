"""Sync fixtures: a subscribed customer connected (through the browser flow) to the sandbox's
administration 1001, the koppeling's settings filled in, and webshop orders written directly
(the API's intake is built elsewhere; the payload has the API's shape)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from koppeling.models import Connection, Flow, KoppelingSettings
from koppeling.tests.conftest import connect, exact_sandbox, subscribe  # noqa: F401 (fixture)
from webshop.models import Order

DIVISION = 1001
ALL_FLOWS = [Flow.CUSTOMERS.value, Flow.ITEMS.value, Flow.ORDERS.value, Flow.PAYMENT_STATUS.value]
_numbers = itertools.count(1)


def configure(user, **changes) -> KoppelingSettings:
    values = {
        "flows": ALL_FLOWS,
        "sales_journal": "70",
        "vat_code_high": "1",
        "vat_code_low": "2",
        "vat_code_zero": "0",
        "sync_interval_minutes": 60,
        "error_email": "fouten@bakkerij.nl",
    }
    values.update(changes)
    row, _created = KoppelingSettings.objects.update_or_create(user=user, defaults=values)
    return row


def open_shop(user, *, division: int = DIVISION, **settings):
    """Subscribe ``user``, connect it (the browser flow, at the sandbox) to ``division`` and
    configure every flow. Needs the ``exact_sandbox`` fixture."""
    subscribe(user)
    client = Client()
    client.force_login(user)
    connect(client, division=str(division))
    assert Connection.objects.get(user=user).state == Connection.State.CONNECTED
    configure(user, **settings)
    return user


@pytest.fixture
def shop(customer, exact_sandbox):  # noqa: F811 (the fixture imported above)
    """The customer, subscribed, connected to 1001 and configured with every flow."""
    return open_shop(customer)


def line(sku="BROOD-01", *, quantity="2", price="2.45", rate=9, description="Volkoren brood") -> dict:
    return {"sku": sku, "description": description, "quantity": quantity, "unit_price": price, "vat_rate": rate}


def make_order(
    user, number: str | None = None, *, email="jan@example.nl", lines=None, shipping=None, **fields
) -> Order:
    number = number or f"WS-{next(_numbers):05d}"
    lines = lines if lines is not None else [line()]
    net = sum(Decimal(str(row["quantity"])) * Decimal(str(row["unit_price"])) for row in lines)
    payload = {
        "number": number,
        "date": "2026-12-01",
        "currency": "EUR",
        "customer": {
            "name": "Jan Jansen",
            "email": email,
            "address": {"street": "Dorpsstraat 1", "postal_code": "1234 AB", "city": "Utrecht", "country": "NL"},
        },
        "lines": lines,
        "paid": True,
    }
    if shipping is not None:
        payload["shipping"] = shipping
    return Order.objects.create(
        user=user,
        number=number,
        order_date=fields.pop("order_date", date(2026, 12, 1)),
        payload=payload,
        content_hash=number.ljust(64, "0")[:64],
        amount_net=net,
        amount_vat=Decimal("0"),
        amount_gross=net,
        paid_in_webshop=True,
        **fields,
    )


@contextmanager
def sync_worker_running(live_server, *, name: str = "sync", **env: str) -> Iterator:
    """A real Celery worker (subprocess) on a queue of its own, reaching the Exact sandbox on
    this test's live server (the session's shared worker cannot know that address)."""
    from django.conf import settings
    from django.db import connection

    from portal.celery import app
    from portal.testing.celery_worker import _purge, run_celery_worker

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_{name}"
    extra_env = {"SITE_URL": live_server.url, "DATABASE_CONN_MAX_AGE": "0", **env}
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    with run_celery_worker(
        queue=queue, database_settings=dict(connection.settings_dict), extra_env=extra_env, name=name
    ) as worker:
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        try:
            yield worker
        finally:
            app.conf.task_always_eager, app.conf.task_default_queue = previous
            _purge(app, queue)


@pytest.fixture
def sync_worker(shop, exact_sandbox):  # noqa: F811
    with sync_worker_running(exact_sandbox) as worker:
        yield worker


@dataclass
class SandboxCalls:
    """What the sandbox (in this process, behind the live server) counted against Exact's
    budgets: one entry per API call, with whether it was over the budget (a 429 we caused)."""

    calls: list[tuple[int, bool]] = field(default_factory=list)

    @property
    def over_limit(self) -> int:
        return sum(1 for _division, over in self.calls if over)

    def count(self, division: int | None = None) -> int:
        return sum(1 for d, _over in self.calls if division is None or d == division)


@pytest.fixture
def sandbox_calls(monkeypatch) -> SandboxCalls:
    from exact_sandbox import engine

    seen = SandboxCalls()
    original = engine.rate_count

    def counting(*, client_id, division, config=None, count=True):
        answer = original(client_id=client_id, division=division, config=config, count=count)
        if count:
            seen.calls.append((division, bool(answer.get("_over"))))
        return answer

    monkeypatch.setattr(engine, "rate_count", counting)
    return seen
