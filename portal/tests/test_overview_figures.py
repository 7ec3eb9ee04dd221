"""The staff overview's figures (issue 19 item 2), read by each app's selector from real rows,
with the clock set just around the boundaries that matter: the end of a month and of an ISO
week on the Amsterdam calendar, a retention period that ends within 30 days or not."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from audit.events import Action
from audit.services import record
from consent.cookies import selectors as cookie_selectors
from consent.marketing import selectors as marketing_selectors
from consent.models import CookieConsentRecord, MarketingPreference
from portal.testing.overview_data import plan, subscription
from retention import selectors as retention_selectors
from retention.models import LegalHold
from subscriptions import selectors as billing_selectors
from subscriptions.enums import EndReason, System
from sync import selectors as sync_selectors
from sync.models import SyncRun

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=AMS)

pytestmark = pytest.mark.django_db


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture
def three_customers(make_user):
    """A monthly €25 from the last half hour of January; a yearly €240 from ten past midnight on
    1 February (still 31 January in UTC); a monthly €50 from December that ended a minute
    before March began, cancelled as too expensive. And a checkout never paid."""
    a = subscription(make_user("a"), started_at=local(2026, 1, 31, 23, 30))
    b = subscription(
        make_user("b"), started_at=local(2026, 2, 1, 0, 10), on_plan=plan("Jaar", "240.00", "year"), amount_net="240.00"
    )
    c = subscription(
        make_user("c"),
        started_at=local(2025, 12, 1, 9, 0),
        ended_at=local(2026, 2, 28, 23, 59),
        amount_net="50.00",
        cancel_requested_at=local(2026, 2, 10, 10, 0),
        cancel_reason="too_expensive",
    )
    subscription(make_user("d"), started_at=None)
    return a, b, c


def test_revenue_is_the_monthly_equivalent_of_what_runs_at_each_months_end(three_customers):
    with time_machine.travel(NOW, tick=False):
        months = billing_selectors.subscriptions_per_month(months=4)
    assert [(m.month, m.mrr, m.active) for m in months] == [
        (date(2025, 12, 1), Decimal("50.00"), 1),
        (date(2026, 1, 1), Decimal("75.00"), 2),  # a's half hour in January counts
        (date(2026, 2, 1), Decimal("45.00"), 2),  # c ended before the month's end; b's year is 240 / 12
        (date(2026, 3, 1), Decimal("45.00"), 2),  # this month: now
    ]
    with time_machine.travel(NOW, tick=False):  # what started or ended before the first month counts in it
        shorter = billing_selectors.subscriptions_per_month(months=2)
    assert [(m.month, m.mrr, m.active) for m in shorter] == [
        (date(2026, 2, 1), Decimal("45.00"), 2),
        (date(2026, 3, 1), Decimal("45.00"), 2),
    ]


def test_a_subscription_that_starts_after_now_in_this_month_is_not_running_yet(make_user):
    subscription(make_user("later"), started_at=local(2026, 3, 20, 9, 0))
    with time_machine.travel(NOW, tick=False):
        months = billing_selectors.subscriptions_per_month(months=1)
    assert [(m.mrr, m.active) for m in months] == [(Decimal("0.00"), 0)]


def test_new_and_churned_count_by_the_local_month(three_customers):
    with time_machine.travel(NOW, tick=False):
        months = billing_selectors.subscriptions_per_month(months=4)
    assert [(m.month, m.new, m.churned) for m in months] == [
        (date(2025, 12, 1), 1, 0),
        (date(2026, 1, 1), 1, 0),
        (date(2026, 2, 1), 1, 1),  # b started on 1 February in Amsterdam, 31 January in UTC
        (date(2026, 3, 1), 0, 0),
    ]


def test_cancellation_reasons_of_the_period_only(three_customers, make_user):
    subscription(
        make_user("old"),
        started_at=local(2024, 1, 1),
        ended_at=local(2024, 6, 1),
        cancel_requested_at=local(2024, 5, 1),
        cancel_reason="not_used",
    )
    with time_machine.travel(NOW, tick=False):
        reasons = dict(billing_selectors.cancel_reasons_since(since=local(2025, 12, 1)))
    assert reasons["Te duur"] == 1
    assert reasons["Ik gebruik het te weinig"] == 0  # before the period
    assert sum(reasons.values()) == 1


def test_the_dunning_funnel_counts_failures_recoveries_and_ends_in_the_period(make_user):
    since = local(2026, 1, 1)
    recovered = subscription(make_user("herstelt"), started_at=local(2025, 6, 1))
    ended = subscription(
        make_user("stopt"),
        started_at=local(2025, 6, 1),
        ended_at=local(2026, 2, 14),
        status="canceled",
        end_reason=EndReason.UNPAID,
    )
    still = subscription(make_user("nog"), started_at=local(2025, 6, 1), status="active")
    still.status, still.dunning_since, still.dunning_amount = "suspended", local(2026, 3, 10), Decimal("30.25")
    still.save()
    before = subscription(make_user("vroeger"), started_at=local(2025, 1, 1))

    def event(action, target, at):
        with time_machine.travel(at, tick=False), transaction.atomic():
            record(action, system=System.MOLLIE, subject_id=target.user_id, target=target, changes={})

    event(Action.SUBSCRIPTION_PAST_DUE, before, local(2025, 12, 31, 23, 0))  # before the period
    event(Action.SUBSCRIPTION_PAST_DUE_ENDED, before, local(2025, 12, 31, 23, 30))
    for target in (recovered, ended, still):
        event(Action.SUBSCRIPTION_PAST_DUE, target, local(2026, 1, 20))
    event(Action.SUBSCRIPTION_PAST_DUE_ENDED, recovered, local(2026, 1, 25))

    with time_machine.travel(NOW, tick=False):
        funnel = billing_selectors.dunning_funnel(since=since)
    assert (funnel.failed, funnel.recovered, funnel.ended, funnel.open_now) == (3, 1, 1, 1)


def test_cookie_decisions_are_counted_per_iso_week_on_the_local_calendar():
    def decided(at: datetime, accepted: bool, n: int):
        CookieConsentRecord.objects.create(
            consent_id=f"W{n:08d}",
            decided_at=at,
            accepted=["analytics"] if accepted else [],
            refused=[] if accepted else ["analytics"],
            statement_version="1",
            cookie_revision="1",
        )

    decided(local(2026, 3, 8, 23, 30), True, 1)  # Sunday night: the week of 2 March
    decided(local(2026, 3, 9, 0, 30), False, 2)  # Monday, half past midnight (still Sunday in UTC)
    decided(local(2026, 3, 9, 8, 0), True, 3)
    decided(local(2026, 2, 22, 12, 0), False, 4)  # before the first asked week
    with time_machine.travel(NOW, tick=False):
        weeks = cookie_selectors.decisions_per_week(since=date(2026, 2, 24))
    assert [(w.week, w.accepted, w.refused) for w in weeks] == [
        (date(2026, 2, 23), 0, 0),
        (date(2026, 3, 2), 1, 0),
        (date(2026, 3, 9), 1, 1),
    ]


def test_standing_objections_by_the_month_they_were_made(make_user):
    MarketingPreference.objects.create(user=make_user("x1"), objected=True, changed_at=local(2026, 2, 28, 23, 50))
    MarketingPreference.objects.create(user=make_user("x2"), objected=True, changed_at=local(2026, 3, 1, 0, 10))
    MarketingPreference.objects.create(user=make_user("x3"), objected=True, changed_at=local(2025, 1, 5))
    MarketingPreference.objects.create(user=make_user("x4"), objected=False, changed_at=local(2026, 3, 2))
    found = marketing_selectors.objections(months=[date(2026, 2, 1), date(2026, 3, 1)])
    assert found.standing == 3  # x3 objected before the asked months and still counts in all
    assert found.per_month == [(date(2026, 2, 1), 1), (date(2026, 3, 1), 1)]


def test_erasures_due_now_and_within_30_days_per_register_category(make_user):
    now = timezone.now()
    held = make_user("vastgehouden")
    LegalHold.objects.create(subject_id=held.pk, user=held, reason="Aangifte", created_at=now, created_by="x")
    CookieConsentRecord.objects.create(  # due, but kept under a legal hold: not counted
        consent_id="H00000001",
        decided_at=now - relativedelta(years=4),
        accepted=[],
        refused=["analytics"],
        statement_version="1",
        user=held,
    )
    for n, at in enumerate(
        (
            now - relativedelta(years=3, days=5),  # past its three years: due now
            now - relativedelta(years=3) + timedelta(days=10),  # due in about ten days
            now - relativedelta(years=3) + timedelta(days=40),  # not within 30 days
        )
    ):
        CookieConsentRecord.objects.create(
            consent_id=f"E{n:08d}", decided_at=at, accepted=[], refused=["analytics"], statement_version="1"
        )
    rows = {row.name: row for row in retention_selectors.due_next()}
    assert (rows["cookie_consents"].due_now, rows["cookie_consents"].due_soon) == (1, 1)
    assert rows["cookie_consents"].end_action == "verwijderen"
    assert all(row.due_now == row.due_soon == 0 for name, row in rows.items() if name != "cookie_consents")


def test_koppeling_runs_and_failing_share_per_local_day(make_user):
    user = make_user("koppelaar")
    SyncRun.objects.create(user=user, started_at=local(2026, 3, 14, 23, 50), outcome="ok", synced=4)
    SyncRun.objects.create(user=user, started_at=local(2026, 3, 15, 0, 10), outcome="errors", synced=2, failed=1)
    SyncRun.objects.create(user=user, started_at=local(2026, 3, 15, 6, 0), outcome="ok", synced=1)
    SyncRun.objects.create(user=user, started_at=local(2026, 2, 1, 6, 0), outcome="failed")  # too long ago
    with time_machine.travel(NOW, tick=False):
        days = sync_selectors.runs_per_day(days=3)
    assert [(d.day, d.runs, d.failing, d.synced, d.failed) for d in days] == [
        (date(2026, 3, 13), 0, 0, 0, 0),
        (date(2026, 3, 14), 1, 0, 4, 0),
        (date(2026, 3, 15), 2, 1, 3, 1),
    ]
    assert days[-1].error_rate == 50.0
