"""Signup, verification, login by username or e-mail, logout, sessions."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup(client, username="devries", email="devries@example.com", password="Lang-genoeg-wachtwoord-1"):
    return client.post(SIGNUP, {"username": username, "email": email, "password1": password, "password2": password})


@pytest.mark.django_db
def test_signup_creates_an_unverified_account_and_mails_a_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == HTTPStatus.FOUND
    user = get_user_model().objects.get(username="devries")
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["devries@example.com"]
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body)
    assert AuditEvent.objects.filter(subject_id=user.pk, action="account.signed_up").exists()


@pytest.mark.django_db
def test_login_is_refused_until_the_address_is_verified(client, django_capture_on_commit_callbacks):
    password = "Lang-genoeg-wachtwoord-1"
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, password=password)
    fresh = Client()
    response = fresh.post(LOGIN, {"login": "devries", "password": password})
    assert "_auth_user_id" not in fresh.session
    assert response.status_code == HTTPStatus.FOUND
    assert "confirm-email" in response["Location"]

    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert fresh.post(link).status_code == HTTPStatus.FOUND
    response = fresh.post(LOGIN, {"login": "devries", "password": password})
    assert response.status_code == HTTPStatus.FOUND
    assert fresh.session["_auth_user_id"]


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["jansen", "JANSEN", "jansen@example.com", "Jansen@Example.com"])
def test_login_by_username_or_email(client, customer, password, login):
    response = client.post(LOGIN, {"login": login, "password": password})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(customer.pk)
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="auth.login").count() == 1


@pytest.mark.django_db
def test_a_new_session_id_at_login(client, customer, password):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    client.post(LOGIN, {"login": "jansen", "password": password})
    assert client.session.session_key != before


@pytest.mark.django_db
def test_logout_needs_a_post(client, customer):
    client.force_login(customer)
    assert client.get("/accounts/logout/").status_code == HTTPStatus.OK
    assert client.session.get("_auth_user_id") == str(customer.pk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_change_ends_the_other_sessions_but_keeps_this_one(customer, password):
    here, elsewhere = Client(), Client()
    for c in (here, elsewhere):
        c.post(LOGIN, {"login": "jansen", "password": password})
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "Nieuw-en-lang-genoeg-2", "password2": "Nieuw-en-lang-genoeg-2"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert here.get("/portal/").status_code == HTTPStatus.OK
    assert elsewhere.get("/portal/").status_code == HTTPStatus.FOUND  # back to the login page
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="auth.password_changed").exists()


@pytest.mark.django_db
def test_idle_sessions_expire(client, customer, password, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(LOGIN, {"login": "jansen", "password": password})
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 10), tick=False):
        assert client.get("/portal/").status_code == HTTPStatus.OK
    last_use = start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)
    with time_machine.travel(last_use + timedelta(seconds=settings.SESSION_COOKIE_AGE + 10), tick=False):
        response = client.get("/portal/")
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "jansen@example.com"})
    link = re.search(r"(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"] if client.get(link).status_code == HTTPStatus.FOUND else link
    response = client.post(form_url, {"password1": "Heel-nieuw-wachtwoord-3", "password2": "Heel-nieuw-wachtwoord-3"})
    assert response.status_code == HTTPStatus.FOUND
    customer.refresh_from_db()
    assert customer.check_password("Heel-nieuw-wachtwoord-3")
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="auth.password_reset").exists()


@pytest.mark.django_db
def test_email_change_needs_reverification(client, customer, django_capture_on_commit_callbacks):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"action_add": "", "email": "nieuw@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    new = EmailAddress.objects.get(user=customer, email="nieuw@example.com")
    assert new.verified is False
    customer.refresh_from_db()
    assert customer.email == "jansen@example.com"  # unchanged until the new address is confirmed
    assert mail.outbox[-1].to == ["nieuw@example.com"]
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    customer.refresh_from_db()
    assert customer.email == "nieuw@example.com"
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="account.email_confirmed").exists()
