"""Closing the account: password again, all sessions end, logins refused, mail sent."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client

from accounts import services
from audit.models import AuditEvent

URL = "/portal/account/opheffen/"
LOGIN = "/accounts/login/"


def login(client, password):
    client.post(LOGIN, {"login": "jansen", "password": password})
    return client


@pytest.mark.django_db
def test_closing_with_the_password_ends_every_session_and_mails(customer, password, django_capture_on_commit_callbacks):
    here, elsewhere = login(Client(), password), login(Client(), password)
    assert elsewhere.get("/portal/").status_code == HTTPStatus.OK
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(URL, {"password": password, "confirm": "on", "reason": "We stoppen met de webshop"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/account-opgeheven/"
    customer.refresh_from_db()
    assert customer.closed_at is not None
    assert customer.is_active is False
    assert customer.closed_reason == "We stoppen met de webshop"
    assert "_auth_user_id" not in here.session
    assert elsewhere.get("/portal/").status_code == HTTPStatus.FOUND
    assert mail.outbox[-1].to == ["jansen@example.com"]
    assert mail.outbox[-1].subject.endswith("Uw account is opgeheven")
    event = AuditEvent.objects.get(subject_id=customer.pk, action="account.closed")
    assert event.actor_id == customer.pk


@pytest.mark.django_db
def test_a_wrong_password_closes_nothing(client, customer, password):
    login(client, password)
    response = client.post(URL, {"password": "not-my-password", "confirm": "on"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Dit wachtwoord klopt niet." in response.content.decode()
    customer.refresh_from_db()
    assert customer.closed_at is None and customer.is_active
    assert client.get("/portal/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_confirmation_box_is_required(client, customer, password):
    login(client, password)
    response = client.post(URL, {"password": password})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    customer.refresh_from_db()
    assert customer.closed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["<script>alert(1)</script>", "x" * 10_000])
def test_a_hostile_reason_is_refused(client, customer, password, reason):
    login(client, password)
    response = client.post(URL, {"password": password, "confirm": "on", "reason": reason})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    customer.refresh_from_db()
    assert customer.closed_at is None


@pytest.mark.django_db
def test_logging_in_after_closure_says_the_account_is_closed(client, customer, password):
    services.account_close(user=customer, by=customer)
    response = client.post(LOGIN, {"login": "jansen", "password": password}, follow=True)
    assert "Dit account is opgeheven" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_closing_twice_keeps_the_first_closing_time(customer):
    first = services.account_close(user=customer, by=customer).closed_at
    second = services.account_close(user=customer, by=customer).closed_at
    assert first == second
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="account.closed").count() == 1


@pytest.mark.django_db
def test_the_close_page_needs_a_login(client):
    response = client.post(URL, {"password": "x", "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(LOGIN)
