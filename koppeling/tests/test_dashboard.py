"""The dashboard (/portal/): billing state, the koppeling's state with the one action that
fixes it, the last five activity events, open notices; a fixed number of queries whatever
the customer's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.events import Action
from audit.models import AuditEvent
from koppeling.models import Connection, KoppelingSettings
from koppeling.tests.conftest import subscribe


@pytest.fixture
def client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def _connected(user, **fields) -> Connection:
    row = Connection(user=user, state=Connection.State.CONNECTED, division=1001, division_name="Demo Webshop B.V.")
    row.store_tokens(access_token="a", refresh_token="r", expires_at=timezone.now())
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "state", "action"),
    [
        ("nothing", "Niet verbonden", "Verbinden met Exact Online"),
        ("active", "Actief", "Koppeling beheren"),
        ("reconnect", "Opnieuw verbinden nodig", "Opnieuw verbinden"),
        ("past_due", "Betaling achterstallig", "Nu betalen"),
        ("paused", "Gepauzeerd", "Hervatten"),
        ("ended_unpaid", "Gepauzeerd", "Abonnement afsluiten"),
        ("choosing", "Administratie kiezen", "Administratie kiezen"),
    ],
)
def test_it_shows_the_koppelings_state_and_the_action_that_fixes_it(client, customer, setup, state, action):
    from subscriptions.services import DUNNING_END_REASON

    if setup in ("active", "reconnect", "paused", "choosing"):
        subscribe(customer)
    if setup == "past_due":
        subscribe(customer, status="suspended")
    if setup == "ended_unpaid":
        subscribe(customer, status="ended", end_reason=DUNNING_END_REASON)
    if setup != "nothing":
        states = {"reconnect": Connection.State.NEEDS_RECONNECT, "choosing": Connection.State.CHOOSING}
        _connected(customer, state=states.get(setup, Connection.State.CONNECTED))
    if setup == "paused":
        KoppelingSettings.objects.create(user=customer, paused=True)
    page = client.get("/portal/").content.decode()
    section = page.split('id="koppeling-heading"', 1)[1].split("</section>", 1)[0]
    assert state in section and action in section


@pytest.mark.django_db
def test_it_shows_the_next_charge_or_the_open_amount(client, customer):
    subscription = subscribe(customer)
    page = client.get("/portal/").content.decode()
    assert "Volgende betaling op" in page and "35,09" in page
    subscription.status = "suspended"
    subscription.dunning_amount = Decimal("35.09")
    subscription.dunning_since = timezone.now()
    subscription.save()
    page = client.get("/portal/").content.decode()
    assert "Betaling achterstallig: € 35,09 open" in page
    assert "Een automatische betaling is mislukt" in page  # the open notice


@pytest.mark.django_db
def test_it_lists_the_last_five_activity_events(client, customer):
    from audit.services import record

    for _ in range(6):
        record(Action.PROFILE_CHANGED, actor=customer, subject=customer)
    record(Action.KOPPELING_PAUSED, actor=customer, subject=customer)
    page = client.get("/portal/").content.decode()
    section = page.split('id="activity-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == 5
    assert "Koppeling gepauzeerd" in section


def _event(user, seq: int, at, action=Action.PROFILE_CHANGED) -> None:
    AuditEvent.objects.create(
        chain=user.pk,
        seq=seq,
        occurred_at=at,
        actor_kind="customer",
        actor_id=user.pk,
        subject_id=user.pk,
        action=action,
        personal_digest="0" * 64,
        digest="0" * 64,
        chain_value="0" * 64,
    )


@pytest.mark.django_db
def test_the_activity_shows_local_times_newest_first_and_only_the_customers_own(client, customer, make_user):
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import formats, translation

    amsterdam = ZoneInfo("Europe/Amsterdam")
    first = datetime(2099, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam; after the login's event
    for minutes in range(6):
        _event(customer, 100 + minutes, first + timedelta(minutes=minutes))
    _event(customer, 200, first + timedelta(minutes=10), Action.KOPPELING_PAUSED)
    other = make_user("ander")
    _event(other, 100, first + timedelta(minutes=20), Action.KOPPELING_RESUMED)
    section = client.get("/portal/").content.decode().split('id="activity-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == 5
    assert (
        '<li><time datetime="2099-12-07T10:10:00+01:00">07-12-2099 10:10</time> · Koppeling gepauzeerd</li>' in section
    )
    shown = [f">07-12-2099 10:{minute:02d}</time>" for minute in (10, 5, 4, 3, 2)]
    assert [section.index(one) for one in shown] == sorted(section.index(one) for one in shown)  # newest first
    assert ">07-12-2099 10:01</time>" not in section  # only the last five
    assert "hervat" not in section.lower()  # another customer's event
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    section = client.get("/portal/").content.decode().split('id="activity-heading"', 1)[1].split("</section>", 1)[0]
    with translation.override("en"):
        english = formats.date_format(first.astimezone(amsterdam) + timedelta(minutes=10), "SHORT_DATETIME_FORMAT")
    assert f">{english}</time> · " in section and "Koppeling gepauzeerd" not in section


def _history(user, n: int) -> None:
    """n audit events, payments and invoices, written in bulk (their content does not matter)."""
    subscription = subscribe(user)
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            chain=user.pk,
            seq=100 + i,
            occurred_at=now - timedelta(minutes=i),
            actor_kind="customer",
            actor_id=user.pk,
            subject_id=user.pk,
            action=Action.PROFILE_CHANGED,
            personal_digest="0" * 64,
            digest="0" * 64,
            chain_value="0" * 64,
        )
        for i in range(n)
    )
    from subscriptions.models import Invoice, Payment

    payments = Payment.objects.bulk_create(
        Payment(
            user=user,
            subscription=subscription,
            mollie_id=f"tr_h{user.pk}_{i}",
            sequence_type="recurring",
            status="paid",
            amount=Decimal("35.09"),
            paid_at=now,
        )
        for i in range(n)
    )
    snapshot = {"name": "Klant"}
    Invoice.objects.bulk_create(
        Invoice(
            user=user,
            payment=payment,
            number=f"H{user.pk}-{i:06d}",
            issued_on=now.date(),
            description="Basis",
            period_start=now.date(),
            period_end=now.date(),
            amount_net=Decimal("29.00"),
            vat_rate=Decimal("21.0"),
            vat_amount=Decimal("6.09"),
            amount_gross=Decimal("35.09"),
            billing_snapshot=snapshot,
            seller_snapshot=snapshot,
        )
        for i, payment in enumerate(payments)
    )


def _queries(user) -> int:
    client = Client()
    client.force_login(user)
    client.get("/portal/")  # warm: the session and the user's first-visit rows
    with CaptureQueriesContext(db) as captured:
        assert client.get("/portal/").status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_dashboard_costs_the_same_queries_for_10_and_10000_events_invoices_and_payments(make_user):
    small, large = make_user("klein"), make_user("groot")
    _history(small, 10)
    _history(large, 10_000)
    _connected(small)
    _connected(large)
    counts = (_queries(small), _queries(large))
    print("dashboard queries", counts)
    assert counts[0] == counts[1] <= 16
