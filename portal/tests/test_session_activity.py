"""A logged-in request writes the session and the usersessions row at most once a minute,
while the idle timeout (30 minutes) and the usersessions list stay right."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

LOGIN = "/accounts/login/"


def _log_in(client: Client, password: str, start) -> None:
    with time_machine.travel(start, tick=False):
        assert client.post(LOGIN, {"login": "jansen", "password": password}).status_code == HTTPStatus.FOUND


def _expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_a_request_within_a_minute_writes_nothing(client, customer, password):
    start = timezone.now()
    _log_in(client, password, start)
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        client.get("/portal/")  # the first page after login records the activity
    expiry = _expiry(client)
    with time_machine.travel(start + timedelta(seconds=30), tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/").status_code == HTTPStatus.OK
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")]
    assert writes == []
    assert _expiry(client) == expiry


@pytest.mark.django_db
def test_a_request_after_a_minute_pushes_the_expiry_and_the_last_seen_time(client, customer, password):
    start = timezone.now()
    _log_in(client, password, start)
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        client.get("/portal/")
    expiry = _expiry(client)
    seen = UserSession.objects.get(user=customer).last_seen_at
    with time_machine.travel(start + timedelta(seconds=62), tick=False):
        client.get("/portal/", REMOTE_ADDR="192.0.2.44")
    assert _expiry(client) > expiry
    row = UserSession.objects.get(user=customer)
    assert row.last_seen_at > seen and row.ip == "192.0.2.44"


@pytest.mark.django_db
def test_the_idle_timeout_still_ends_a_session_after_thirty_minutes(client, customer, password, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = timezone.now()
    _log_in(client, password, start)
    # Requests within the minute record nothing; the last recorded one counts.
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        assert client.get("/portal/").status_code == HTTPStatus.OK
    with time_machine.travel(start + timedelta(minutes=29, seconds=59), tick=False):
        assert client.get("/portal/").status_code == HTTPStatus.OK  # records activity
    last = start + timedelta(minutes=29, seconds=59)
    with time_machine.travel(last + timedelta(minutes=29, seconds=59), tick=False):
        assert client.get("/portal/").status_code == HTTPStatus.OK  # not idle 30 minutes yet
    last = last + timedelta(minutes=29, seconds=59)
    with time_machine.travel(last + timedelta(minutes=30, seconds=1), tick=False):
        response = client.get("/portal/")
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_the_sessions_page_lists_the_session_with_its_last_activity(client, customer, password):
    start = timezone.now()
    _log_in(client, password, start)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        client.get("/portal/")
        page = client.get("/accounts/sessions/").content.decode()
    assert UserSession.objects.filter(user=customer).count() == 1
    assert "127.0.0.1" in page
