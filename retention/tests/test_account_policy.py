"""The account policy: erased three calendar months after closure, not a day earlier."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from accounts.models import Profile
from retention import services
from retention.models import DisposalRecord, RetentionRun
from retention.tests.conftest import ams

User = get_user_model()
CLOSED = ams(2026, 1, 10, 14, 0)
THREE_MONTHS_LATER = ams(2026, 4, 10, 14, 0)


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return services.enforce(**kwargs)


@pytest.mark.django_db
def test_an_account_closed_three_months_minus_a_day_ago_is_kept(rich_customer):
    user = rich_customer(closed_at=CLOSED)
    run(THREE_MONTHS_LATER - timedelta(days=1))
    assert User.objects.filter(pk=user.pk).exists()
    assert Profile.objects.filter(user_id=user.pk).exists()


@pytest.mark.django_db
def test_an_account_closed_three_months_plus_a_day_ago_is_erased_with_everything_it_holds(rich_customer):
    user = rich_customer(closed_at=CLOSED)
    session_key = UserSession.objects.get(user=user).session_key
    result = run(THREE_MONTHS_LATER + timedelta(days=1), policy="account")
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()
    assert not EmailAddress.objects.filter(email="jansen@example.com").exists()
    assert not Authenticator.objects.filter(user_id=user.pk).exists()
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not model.objects.filter(username="jansen").exists()
    [account] = [p for p in result.policies if p.policy == "account"]
    assert account.disposed == 1
    record = DisposalRecord.objects.get(run_id=result.run_id, policy="account")
    assert record.disposed == 1 and record.rows["accounts.User"] == 1 and record.rows["accounts.Profile"] == 1


@pytest.mark.django_db
def test_the_three_months_are_calendar_months_ending_on_the_last_day_of_a_short_month(rich_customer):
    user = rich_customer(closed_at=ams(2026, 11, 30, 9, 0))
    run(ams(2027, 2, 28, 23, 59))  # kept for the whole of the last day
    assert User.objects.filter(pk=user.pk).exists()
    run(ams(2027, 3, 1, 0, 0))
    assert not User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_an_open_account_is_never_erased(rich_customer):
    user = rich_customer(at=ams(2020, 1, 1, 12, 0))
    run(ams(2026, 6, 1, 12, 0))
    assert User.objects.filter(pk=user.pk).exists()
    assert Profile.objects.filter(user_id=user.pk).exists()


@pytest.mark.django_db
def test_erasure_leaves_other_customers_alone(rich_customer):
    gone = rich_customer("jansen", closed_at=CLOSED)
    closed_later = rich_customer("pietersen", closed_at=CLOSED + timedelta(days=10))
    active = rich_customer("de_vries", at=CLOSED)
    run(THREE_MONTHS_LATER + timedelta(days=1), policy="account")
    assert not User.objects.filter(pk=gone.pk).exists()
    assert set(User.objects.values_list("username", flat=True)) == {"pietersen", "de_vries"}
    assert Profile.objects.filter(user__in=[closed_later, active]).count() == 2
    assert AccessAttempt.objects.filter(username__in=["pietersen", "de_vries"]).count() == 2


@pytest.mark.django_db
def test_a_run_is_recorded_with_a_heartbeat_and_an_audit_event(rich_customer):
    from audit.models import AuditEvent

    rich_customer(closed_at=CLOSED)
    result = run(THREE_MONTHS_LATER + timedelta(days=1))
    run_row = RetentionRun.objects.get(pk=result.run_id)
    assert run_row.status == "succeeded" and run_row.finished_at is not None
    assert set(run_row.records.values_list("policy", flat=True)) >= {
        "account",
        "sessions",
        "login_attempts",
        "data_exports",
    }
    beat = services.heartbeat()
    assert beat.last_success_at == run_row.finished_at
    event = AuditEvent.objects.filter(action="retention.enforced").latest("pk")
    assert event.changes["disposed"]["account"] == 1
    assert "jansen" not in str(event.changes)
