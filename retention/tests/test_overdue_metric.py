"""portal_retention_overdue_items: rows still kept more than a day (the daily run's own
limit) after their period ended; zero again once the run has removed them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from portal.testing.metrics import scrape
from retention import services
from retention.tests.conftest import ams

CLOSED = ams(2026, 1, 10, 14, 0)
ERASE_FROM = ams(2026, 4, 10, 14, 0)  # three months after closure (test_account_policy)
OVERDUE = "portal_retention_overdue_items"


def overdue_at(client, moment) -> float:
    with time_machine.travel(moment, tick=False):
        return scrape(client).value(OVERDUE, category="account")


@pytest.mark.django_db
def test_an_account_past_its_period_is_overdue_only_after_the_daily_run_had_its_chance(client, rich_customer):
    rich_customer(closed_at=CLOSED)
    assert overdue_at(client, ERASE_FROM - timedelta(days=1)) == 0  # not even due
    assert overdue_at(client, ERASE_FROM + timedelta(hours=25)) == 0  # due; the run may still come
    assert overdue_at(client, ERASE_FROM + timedelta(days=2)) == 1  # the run should have taken it
    with time_machine.travel(ERASE_FROM + timedelta(days=2), tick=False):
        services.enforce(policy="account")
    assert overdue_at(client, ERASE_FROM + timedelta(days=2)) == 0


@pytest.mark.django_db
def test_an_account_under_a_legal_hold_is_not_overdue(client, rich_customer):
    user = rich_customer(closed_at=CLOSED)
    services.hold_add(user=user, reason="Aangifte bij de politie")
    assert overdue_at(client, ERASE_FROM + timedelta(days=2)) == 0
