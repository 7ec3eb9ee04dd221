"""A closed account gets the same answer everywhere: closed on D, kept until X, how to reach
support. The pages never tell a stranger whether an address exists; the mail to the closed
account's address says it is closed (never "unknown, register" or "exists, reset")."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import services

RESET = "/accounts/password/reset/"
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
CLOSED_ON = datetime(2026, 1, 10, 12, 0)  # noqa: DTZ001  (made aware where used)


@pytest.fixture
def closed(customer, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.make_aware(CLOSED_ON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.account_close(user=customer, by=customer, reason="")
    mail.outbox.clear()
    return customer


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_for_a_closed_account_mails_that_it_is_closed_and_until_when(closed):
    known = Client().post(RESET, {"email": "jansen@example.com"}, follow=True)
    unknown = Client().post(RESET, {"email": "niemand@example.com"}, follow=True)
    assert _main(known) == _main(unknown)  # the page tells a stranger nothing
    to_closed = [m for m in mail.outbox if m.to == ["jansen@example.com"]]
    assert len(to_closed) == 1
    body = to_closed[0].body
    assert "is op 10-01-2026 opgeheven" in body
    assert "tot en met 10-04-2026" in body
    assert "support" in body
    assert "registreren" not in body.split("opgeheven")[0]
    assert "/accounts/signup/" not in body


@pytest.mark.django_db(transaction=True)
def test_signing_up_with_a_closed_accounts_address_mails_that_it_is_closed(closed, password):
    data = {"username": "nieuwenaam", "email": "jansen@example.com", "password1": password, "password2": password}
    response = Client().post(SIGNUP, data, follow=True)
    fresh = Client().post(SIGNUP, {**data, "username": "ietsanders", "email": "vreemde@example.com"}, follow=True)
    assert response.redirect_chain[-1][0] == fresh.redirect_chain[-1][0]  # the same page for both
    to_closed = [m for m in mail.outbox if m.to == ["jansen@example.com"]]
    assert len(to_closed) == 1
    body = to_closed[0].body
    assert "is op 10-01-2026 opgeheven" in body and "tot en met 10-04-2026" in body
    assert "/accounts/password/reset/" not in body


@pytest.mark.django_db
def test_logging_in_to_a_closed_account_says_since_when_until_when_and_who_to_ask(client, closed, password):
    response = client.post(LOGIN, {"login": "jansen", "password": password}, follow=True)
    page = response.content.decode()
    assert "Dit account is opgeheven" in page
    assert "Het is opgeheven op 10-01-2026" in page
    assert "tot en met 10-04-2026" in page
    assert "support" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_wrong_password_for_a_closed_account_reveals_nothing(client, closed):
    response = client.post(LOGIN, {"login": "jansen", "password": "fout-wachtwoord-123"}, follow=True)
    assert "opgeheven" not in response.content.decode()


@pytest.mark.django_db
def test_the_closing_mail_names_the_same_dates(customer, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.make_aware(CLOSED_ON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.account_close(user=customer, by=customer, reason="")
    body = mail.outbox[-1].body
    assert "opgeheven" in body and "tot en met 10-04-2026" in body and "support" in body
