"""What the dashboard costs beyond the layout every logged-in page renders: billing, its
scheduled plan change and the koppeling's rows in one fixed query whatever the customer has,
the last sync run with the open errors in one, the activity in one more; the account links,
the same for everyone, kept rendered per language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koppeling.models import Connection, KoppelingSettings
from koppeling.tests.conftest import subscribe
from sync.models import SyncRun


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm: the session and the first-visit rows
    with CaptureQueriesContext(db) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _connect(user) -> None:
    row = Connection(user=user, state=Connection.State.CONNECTED, division=1001, division_name="Demo Webshop B.V.")
    row.store_tokens(access_token="a", refresh_token="r", expires_at=timezone.now())
    row.save()


@pytest.mark.django_db
def test_a_subscribed_customers_dashboard_costs_three_queries_more_than_the_blank_page(customer):
    subscribe(customer)
    _connect(customer)
    KoppelingSettings.objects.create(user=customer, paused=True)
    SyncRun.objects.create(user=customer, synced=3, outcome=SyncRun.Outcome.OK)
    client = Client()
    client.force_login(customer)
    # billing with the scheduled plan change (the next payment is shown as it will be) and the
    # koppeling; the last run with the open errors; the activity
    assert _queries(client, "/portal/") == _queries(client, "/portal/blank/") + 3
    page = client.get("/portal/").content.decode()
    assert "door u gepauzeerd" in page  # the settings row came with the same query


@pytest.mark.django_db
def test_a_customer_without_a_subscription_still_sees_the_koppeling_state(customer):
    _connect(customer)
    client = Client()
    client.force_login(customer)
    assert _queries(client, "/portal/") == _queries(client, "/portal/blank/") + 3
    section = client.get("/portal/").content.decode().split('id="koppeling-heading"', 1)[1]
    assert "Gepauzeerd" in section.split("</section>", 1)[0]


@pytest.mark.django_db
def test_the_account_links_follow_the_customers_language_although_they_are_kept_rendered(customer):
    client = Client()
    client.force_login(customer)
    dutch = client.get("/portal/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/portal/").content.decode()
    assert "Uw account" in dutch and "Your account" not in dutch
    assert "Your account" in english and "Uw account" not in english
    assert 'href="/portal/koppeling/"' in english


@pytest.mark.django_db
@pytest.mark.parametrize(
    "billing", ["none", "pending", "active", "canceling", "suspended", "ended unpaid", "ended by staff"]
)
@pytest.mark.parametrize("state", [None, "connected", "needs_reconnect", "choosing"])
def test_every_state_of_the_dashboard_costs_the_same_three_queries(customer, billing, state):
    """What the cards show in each state comes with the one statement: nothing is read
    later from a field that statement left out."""
    from subscriptions.enums import EndReason
    from subscriptions.models import Subscription

    if billing in ("pending", "active", "canceling", "suspended"):
        subscription = subscribe(customer, status=billing if billing != "canceling" else "active")
        if billing == "canceling":
            Subscription.objects.filter(pk=subscription.pk).update(cancel_at_period_end=True)
    elif billing.startswith("ended"):
        reason = EndReason.UNPAID if billing == "ended unpaid" else EndReason.STAFF
        subscribe(customer, status="ended", end_reason=reason)
    if state is not None:
        _connect(customer)
        Connection.objects.filter(user=customer).update(state=state)
        KoppelingSettings.objects.create(user=customer)
    client = Client()
    client.force_login(customer)
    assert _queries(client, "/portal/") == _queries(client, "/portal/blank/") + 3
