"""The end of dunning is one rule: the admin's "termijn verstreken" filter shows a past-due
subscription from the moment the daily job would end it (the start of day 14, local time),
not a moment earlier, and not hours later."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from subscriptions import services
from subscriptions.models import Subscription
from subscriptions.selectors import dunning_schedule
from subscriptions.tests.test_dunning import active, past_due  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _listed_as_overdue(staff, subscription: Subscription) -> bool:
    admin = Client()  # a fresh session: the time travel outlasts an idle one
    admin.force_login(staff)
    listing = admin.get("/admin/subscriptions/subscription/?dunning=overdue").content.decode()
    return f"/admin/subscriptions/subscription/{subscription.pk}/" in listing


def test_the_admin_filter_and_the_daily_job_agree_on_the_end_of_dunning(past_due, staff_client):  # noqa: F811
    _admin, staff = staff_client
    ends_at = dunning_schedule(subscription=past_due).ends_at
    assert past_due.dunning_since.hour != 0  # (a charge during the day: a rule by hours would differ)

    with time_machine.travel(ends_at - timedelta(seconds=1), tick=False):
        assert not _listed_as_overdue(staff, past_due)
        assert services.dunning_run().subscriptions_ended == 0
    with time_machine.travel(ends_at, tick=False):
        assert _listed_as_overdue(staff, past_due)
        assert services.dunning_run().subscriptions_ended == 1
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.CANCELED
