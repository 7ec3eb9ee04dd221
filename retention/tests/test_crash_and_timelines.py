"""Enforcement is resumable and exact: a crash between batches followed by a rerun ends in
the same state as one clean run; on random timelines nothing goes early, nothing due stays,
and a second run removes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.personal_data import ACCOUNT_PERIOD
from register import registry
from retention import services
from retention.models import RetentionRun
from retention.tests.conftest import ams

User = get_user_model()
START = ams(2026, 1, 1, 0, 0)
LATE = ams(2026, 9, 1, 12, 0)


class Crash(Exception):
    pass


@pytest.mark.django_db
def test_a_crash_between_batches_then_a_rerun_ends_in_the_same_state(rich_customer):
    for n in range(7):
        rich_customer(f"weg{n}", closed_at=START + timedelta(days=n))
    rich_customer("blijft", closed_at=LATE - timedelta(days=5))

    batches = {"n": 0}

    def crash_after_two(category, size):
        if category.name == "account":
            batches["n"] += 1
            if batches["n"] == 2:
                raise Crash

    with time_machine.travel(LATE, tick=False):
        with pytest.raises(Crash):
            services.enforce(batch_size=3, on_batch=crash_after_two)
        assert User.objects.filter(username__startswith="weg").count() == 1  # two batches committed
        assert RetentionRun.objects.get().status == "failed"
        assert services.heartbeat().last_success_at is None
        rerun = services.enforce(batch_size=3)
    assert set(User.objects.values_list("username", flat=True)) == {"blijft"}
    assert next(p for p in rerun.policies if p.policy == "account").disposed == 1
    assert RetentionRun.objects.filter(status="succeeded").count() == 1


@pytest.mark.django_db
def test_a_failed_run_is_not_a_heartbeat_and_the_jobs_endpoint_reports_it(client, rich_customer, monkeypatch):
    from retention.models import Heartbeat

    Heartbeat.objects.update_or_create(name="enforce", defaults={"installed_at": START, "last_success_at": None})
    with time_machine.travel(START + timedelta(hours=25), tick=False):
        assert client.get("/healthz/jobs").status_code == 200  # fresh install: no run was due yet
    with time_machine.travel(START + timedelta(hours=27), tick=False):
        response = client.get("/healthz/jobs")
        assert response.status_code == 503 and response.json()["jobs"]["retention-enforce-daily"] is False
        assert client.get("/readyz").status_code == 200  # the web tier stays in the load balancer
        services.enforce()
        # (the other jobs, which never ran here, are overdue by now: only retention is asked)
        assert client.get("/healthz/jobs").json()["jobs"]["retention-enforce-daily"] is True
    with time_machine.travel(START + timedelta(hours=27 + 27), tick=False):
        assert client.get("/healthz/jobs").json()["jobs"]["retention-enforce-daily"] is False


@pytest.mark.django_db
def test_the_beat_task_runs_enforcement(rich_customer):
    from retention.tasks import enforce_retention

    rich_customer("weg", closed_at=START)
    with time_machine.travel(LATE, tick=False):
        outcome = enforce_retention.delay().get()
    assert outcome["status"] == "succeeded"
    assert not User.objects.filter(username="weg").exists()
    assert RetentionRun.objects.get().trigger == "beat"


@given(
    closures=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=400 * 24)), min_size=1, max_size=8),
    runs=st.lists(st.integers(min_value=0, max_value=500 * 24), min_size=1, max_size=4),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.django_db
def test_random_timelines_nothing_early_nothing_left_nothing_twice(make_user, closures, runs):
    User.objects.all().delete()
    users = {}
    for n, hours in enumerate(closures):
        closed_at = START + timedelta(hours=hours) if hours is not None else None
        users[f"k{n}"] = (make_user(f"k{n}").pk, closed_at)
        if closed_at is not None:
            User.objects.filter(username=f"k{n}").update(closed_at=closed_at, is_active=False)
    for hours in sorted(runs):
        at = START + timedelta(hours=hours)
        with time_machine.travel(at, tick=False):
            services.enforce(policy="account", batch_size=2)
            left = set(User.objects.values_list("username", flat=True))
            for name, (_pk, closed_at) in users.items():
                due = closed_at is not None and ACCOUNT_PERIOD.ends_at(closed_at) <= at
                assert (name not in left) == due, (name, closed_at, at)
            assert services.enforce(policy="account").total == 0


@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),  # noqa: DTZ001 (wall-clock)
    st.integers(min_value=-5 * 24 * 60, max_value=5 * 24 * 60),
)
@settings(max_examples=300, deadline=None)
def test_the_cutoff_is_the_exact_inverse_of_the_period(local_start, minutes):
    from django.utils import timezone

    for period in (registry.Period(months=3), registry.Period(years=7), registry.Period(days=30)):
        start = timezone.make_aware(local_start.replace(second=0, microsecond=0))
        now = period.ends_at(start) + timedelta(minutes=minutes)
        assert (start <= period.cutoff(now)) == (period.ends_at(start) <= now), (period, start, now)


def _clear_customers() -> None:
    from retention.models import LegalHold
    from subscriptions.models import Invoice, MollieCustomer, MollieSubscription, Payment, Subscription

    for model in (Invoice, Payment, MollieSubscription, Subscription, MollieCustomer, LegalHold):
        model.objects.all().delete()
    User.objects.all().delete()


customer_timeline = st.tuples(
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),  # account closed on day
    st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),  # subscription ended on day
    st.booleans(),  # under a legal hold
)


@given(
    customers=st.lists(customer_timeline, min_size=1, max_size=6),
    runs=st.lists(
        st.tuples(st.integers(min_value=0, max_value=3400), st.integers(min_value=0, max_value=23)),
        min_size=1,
        max_size=4,
    ),
)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.django_db
def test_random_timelines_of_accounts_billing_and_holds(make_user, customers, runs):
    from accounts.personal_data import ACCOUNT_PERIOD
    from retention.models import LegalHold
    from retention.tests.billing import billing_history
    from subscriptions.models import Subscription
    from subscriptions.personal_data import BILLING_PERIOD

    _clear_customers()
    expected = []
    for n, (closed_day, ended_day, held) in enumerate(customers):
        user = make_user(f"t{n}")
        closed_at = START + timedelta(days=closed_day, hours=n) if closed_day is not None else None
        ended_at = START + timedelta(days=ended_day, hours=n) if ended_day is not None else None
        if closed_at is not None:
            User.objects.filter(pk=user.pk).update(closed_at=closed_at, is_active=False)
        subscription = billing_history(user, ended_at=ended_at)
        if held:
            LegalHold.objects.create(subject_id=user.pk, user=user, reason="test", created_at=START, created_by="test")
        expected.append((user.pk, closed_at, subscription.pk, ended_at, held))
    for day, hour in sorted(runs):
        at = START + timedelta(days=day, hours=hour)
        with time_machine.travel(at, tick=False):
            services.enforce(batch_size=2)
            for user_pk, closed_at, subscription_pk, ended_at, held in expected:
                account_due = not held and closed_at is not None and ACCOUNT_PERIOD.ends_at(closed_at) <= at
                billing_due = not held and ended_at is not None and BILLING_PERIOD.ends_at(ended_at) <= at
                assert User.objects.filter(pk=user_pk).exists() != account_due, ("account", closed_at, at)
                assert Subscription.objects.filter(pk=subscription_pk).exists() != billing_due, (
                    "billing",
                    ended_at,
                    at,
                )
            again = services.enforce()
            assert {p.policy: p.disposed for p in again.policies if p.disposed} == {}
