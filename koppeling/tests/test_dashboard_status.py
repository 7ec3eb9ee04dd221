"""The dashboard reads billing and the koppeling in one hand-written statement
(``dashboard_status``); everything else asks ``koppeling_status`` (the ORM, whole rows). Both
must tell the customer the same: the same state and reason, the same subscription, plan, next
payment or open amount, the same administration, in every combination of subscription
history, connection and settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koppeling.models import Connection, KoppelingSettings
from koppeling.selectors import KoppelingState, PauseReason, dashboard_status, koppeling_status
from koppeling.tests.conftest import subscribe
from subscriptions.enums import EndReason
from subscriptions.models import Plan, PlanChange, Subscription
from subscriptions.selectors import BillingState

pytestmark = pytest.mark.django_db

UNPAID, CUSTOMER = EndReason.UNPAID.value, EndReason.STAFF.value
# What the customer sees of billing, per subscription history (oldest first).
HISTORIES = {
    "never": [],
    "pending": [("pending", "")],
    "active": [("active", "")],
    "active with a scheduled plan change": [("active", ""), "scheduled"],
    "active with a withdrawn plan change": [("active", ""), "canceled_change"],
    "canceling": [("active", ""), "cancel_at_period_end"],
    "past due": [("suspended", "")],
    "ended unpaid": [("ended", UNPAID)],
    "canceled by staff": [("canceled", CUSTOMER)],
    "ended unpaid, then subscribed again": [("ended", UNPAID), ("active", "")],
    "canceled, later ended unpaid": [("canceled", CUSTOMER), ("ended", UNPAID)],
    "ended unpaid, later canceled": [("ended", UNPAID), ("canceled", CUSTOMER)],
    "a failed start only": [("failed", "")],
}
CONNECTIONS = [
    None,
    Connection.State.DISCONNECTED,
    Connection.State.CONNECTED,
    Connection.State.NEEDS_RECONNECT,
    Connection.State.CHOOSING,
]


def _history(user, steps) -> None:
    ended = timezone.now() - timedelta(days=len(steps) + 1)
    for step in steps:
        if step == "scheduled" or step == "canceled_change":
            subscription = Subscription.objects.filter(user=user).first()
            premium, _created = Plan.objects.get_or_create(name="Premium", defaults={"price": Decimal("59.00")})
            PlanChange.objects.create(
                subscription=subscription,
                from_plan=subscription.plan,
                to_plan=premium,
                kind=PlanChange.Kind.NEXT_PERIOD,
                status=PlanChange.Status.SCHEDULED if step == "scheduled" else PlanChange.Status.CANCELED,
                effective_on=subscription.current_period_end,
                amount_net=Decimal("59.00"),
                amount_gross=Decimal("71.39") if step == "scheduled" else Decimal("99.99"),
            )
        elif step == "cancel_at_period_end":
            Subscription.objects.filter(user=user).update(cancel_at_period_end=True)
        else:
            status, reason = step
            subscription = subscribe(user, status=status, end_reason=reason)
            if status in ("ended", "canceled"):
                ended += timedelta(days=1)  # each later step ended later
                Subscription.objects.filter(pk=subscription.pk).update(ended_at=ended)


def _seen(status) -> dict:
    """Everything of a status that the dashboard, or whatever runs the koppeling, reads."""
    billing = status.billing
    return {
        "state": status.state,
        "label": status.label,
        "pause_reason": status.pause_reason,
        "may_run": status.may_run,
        "editable": status.editable,
        "billing": (
            billing.state,
            billing.subscription.pk if billing.subscription else None,
            billing.plan_name,
            billing.paid_through,
            billing.next_charge_on,
            billing.next_charge_amount,
            billing.open_amount,
        ),
        "connection": (status.connection.state, status.connection.division, status.connection.division_name)
        if status.connection
        else None,
        "paused": status.settings.paused if status.settings else None,
    }


@pytest.mark.parametrize("history", HISTORIES)
@pytest.mark.parametrize("connection", CONNECTIONS)
@pytest.mark.parametrize("paused", [None, False, True])
def test_the_dashboards_statement_tells_what_koppeling_status_tells(make_user, history, connection, paused):
    user = make_user("klant")
    _history(user, HISTORIES[history])
    if connection is not None:
        row = Connection(user=user, state=connection, division=1001, division_name="Demo Webshop B.V.")
        row.store_tokens(access_token="a", refresh_token="r", expires_at=timezone.now())
        row.save()
    if paused is not None:
        KoppelingSettings.objects.create(user=user, paused=paused)
    with CaptureQueriesContext(db) as captured:
        fast = dashboard_status(user=user)
    assert len(captured) == 1
    assert _seen(fast) == _seen(koppeling_status(user=user))


def test_the_states_the_comparison_covers_are_the_ones_the_dashboard_shows(make_user):
    """The matrix above is not vacuous: it meets every billing state, every koppeling state
    and every reason for a pause."""
    seen_billing, seen_states, seen_reasons = set(), set(), set()
    for index, steps in enumerate(HISTORIES.values()):
        for connection in CONNECTIONS:
            for paused in (None, True):
                user = make_user(f"k{index}-{connection}-{paused}")
                _history(user, steps)
                if connection is not None:
                    Connection.objects.create(user=user, state=connection, division=1001, division_name="D")
                if paused is not None:
                    KoppelingSettings.objects.create(user=user, paused=paused)
                status = dashboard_status(user=user)
                seen_billing.add(status.billing.state)
                seen_states.add(status.state)
                seen_reasons.add(status.pause_reason)
    assert seen_billing == set(BillingState)
    assert seen_states == set(KoppelingState)
    assert seen_reasons == set(PauseReason)


def test_the_next_payment_is_the_scheduled_plan_changes_amount(customer):
    _history(customer, HISTORIES["active with a scheduled plan change"])
    billing = dashboard_status(user=customer).billing
    assert billing.state == BillingState.ACTIVE and billing.next_charge_amount == Decimal("71.39")
    assert billing.plan_name == "Basis"


def test_what_the_statement_did_not_read_is_still_there_when_asked(customer):
    """The objects hold only the dashboard's columns; anything else is read on access, never
    made up (an empty token, a default)."""
    _history(customer, HISTORIES["active"])
    row = Connection(user=customer, state=Connection.State.CONNECTED, division=1001, division_name="D")
    row.store_tokens(access_token="geheim", refresh_token="r", expires_at=timezone.now())
    row.save()
    status = dashboard_status(user=customer)
    assert status.connection.access_token() == "geheim"
    assert status.billing.subscription.vat_rate == Decimal("21.0")
    assert status.billing.subscription.user == customer
