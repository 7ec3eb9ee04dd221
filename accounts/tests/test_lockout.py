"""Five failed logins for one account from one IP lock that account for that IP for 15 minutes."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
OTHER = "198.51.100.20"


def attempt(client, login, password, ip=ATTACKER, **headers):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip, **headers)


def fail_five_times(client, login="jansen", ip=ATTACKER, **headers):
    responses = [attempt(client, login, "wrong-password-123", ip=ip, **headers) for _ in range(5)]
    return responses


@pytest.mark.django_db
def test_fifth_wrong_password_locks_with_a_dutch_429_page(client, customer):
    responses = fail_five_times(client)
    assert [r.status_code for r in responses[:4]] == [HTTPStatus.OK] * 4
    assert responses[4].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Te veel mislukte inlogpogingen" in responses[4].content.decode()


@pytest.mark.django_db
def test_right_password_is_refused_during_the_lock(client, customer, password):
    fail_five_times(client)
    response = attempt(client, "jansen", password)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lock_speaks_english_to_an_english_browser(client, customer):
    responses = fail_five_times(client, HTTP_ACCEPT_LANGUAGE="en")
    assert responses[4].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed login attempts" in responses[4].content.decode()


@pytest.mark.django_db
def test_username_and_email_logins_count_for_the_same_account(client, customer, password):
    for login in ["jansen", "JANSEN@example.com", "jansen", "jansen@example.com"]:
        assert attempt(client, login, "wrong-password-123").status_code == HTTPStatus.OK
    assert attempt(client, "Jansen", "wrong-password-123").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert attempt(client, "jansen@example.com", password).status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_other_ips_can_still_log_in(client, customer, password):
    fail_five_times(client)
    response = attempt(client, "jansen", password, ip=OTHER)
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(customer.pk)


@pytest.mark.django_db
def test_other_accounts_from_the_same_ip_are_not_locked(client, customer, make_user, password):
    make_user("pietersen")
    fail_five_times(client)
    assert attempt(client, "pietersen", password).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_the_lock_still_holds_just_before_fifteen_minutes(client, customer, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times(client)
    with time_machine.travel(start + timedelta(minutes=14, seconds=50), tick=False):
        assert attempt(client, "jansen", password).status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes(client, customer, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times(client)
    with time_machine.travel(start + timedelta(minutes=15, seconds=10), tick=False):
        assert attempt(client, "jansen", password).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_attempts_during_the_lock_extend_it(client, customer, password):
    """Hammering a locked account keeps it locked: each refused attempt restarts the 15 minutes."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times(client)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        attempt(client, "jansen", "still-guessing-1")
    with time_machine.travel(start + timedelta(minutes=15, seconds=10), tick=False):
        assert attempt(client, "jansen", password).status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_forged_forwarded_for_is_ignored_without_proxies(client, customer, password, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        attempt(client, "jansen", "wrong-password-123", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = attempt(client, "jansen", password, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_behind_one_proxy_a_forged_entry_neither_escapes_nor_frames_someone(client, customer, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    settings.TRUSTED_PROXIES = [proxy]
    victim = "198.51.100.99"
    # The attacker puts the victim's address first; the proxy appends the attacker's real one.
    for _ in range(5):
        attempt(client, "jansen", "wrong-password-123", ip=proxy, HTTP_X_FORWARDED_FOR=f"{victim}, {ATTACKER}")
    locked = attempt(client, "jansen", password, ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.55, {ATTACKER}")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The victim, whose address was forged, logs in normally through the same proxy.
    ok = attempt(client, "jansen", password, ip=proxy, HTTP_X_FORWARDED_FOR=victim)
    assert ok.status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_failed_logins_and_the_lockout_are_in_the_audit_trail(client, customer):
    fail_five_times(client)
    actions = list(AuditEvent.objects.filter(subject_id=customer.pk).values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 5
    assert "auth.locked_out" in actions
    event = AuditEvent.objects.filter(action="auth.locked_out").get()
    assert event.ip == ATTACKER


@pytest.mark.django_db
def test_admin_login_goes_through_the_protected_login(client, customer, password):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(LOGIN)
    # Posting credentials straight to Django's admin login does not log anyone in.
    client.post("/admin/login/", {"username": "jansen", "password": password}, REMOTE_ADDR=ATTACKER)
    assert "_auth_user_id" not in client.session
