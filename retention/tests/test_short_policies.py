"""Sessions, login records, anonymous audit events and data exports: kept just inside their
period, removed just past it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from audit.events import Action
from audit.models import AuditEvent
from audit.services import record
from core import request_context
from retention import services
from retention.tests.conftest import ams

T0 = ams(2026, 3, 2, 15, 30)


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return services.enforce(**kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_login_records_are_kept_30_days_and_go_the_day_after(rich_customer, model):
    rich_customer("jansen", at=T0)
    run(ams(2026, 4, 1, 23, 59))  # 2 March + 30 days = 1 April: still kept all day
    assert model.objects.filter(username="jansen").exists()
    run(ams(2026, 4, 2, 0, 0))
    assert not model.objects.filter(username="jansen").exists()


@pytest.mark.django_db
def test_sessions_go_when_they_expire_and_their_device_row_with_them(rich_customer):
    user = rich_customer("jansen", at=T0)
    key = UserSession.objects.get(user=user).session_key
    expiry = Session.objects.get(session_key=key).expire_date
    run(expiry - timedelta(seconds=1))
    assert Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.filter(session_key=key).exists()
    run(expiry + timedelta(seconds=1))
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_a_live_session_is_never_touched(rich_customer):
    user = rich_customer("jansen", at=T0)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        UserSession.objects.create(user=user, ip="203.0.113.8", session_key=store.session_key, user_agent="x")
        services.enforce()
    assert Session.objects.filter(session_key=store.session_key).exists()
    assert UserSession.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db
def test_ip_addresses_of_events_about_no_customer_are_redacted_after_90_days():
    token = request_context.bind(request_context.RequestContext(request_id="r", ip="198.51.100.9", user_agent="Bot/1"))
    try:
        with time_machine.travel(T0, tick=False):
            event = record(Action.AUTH_LOGIN_FAILED, changes={"login": [None, "(unknown account)"]})
    finally:
        request_context.unbind(token)
    run(T0 + timedelta(days=90))  # 2 March + 90 days = 31 May: kept all day
    event.refresh_from_db()
    assert event.ip == "198.51.100.9"
    run(ams(2026, 6, 1, 0, 0))
    event.refresh_from_db()
    assert event.ip is None and event.user_agent == ""
    assert AuditEvent.objects.filter(pk=event.pk, action="auth.login_failed").exists()  # the event stays
