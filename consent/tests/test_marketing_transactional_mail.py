"""Mail about the account, invoices and payments is not advertising: it is sent also to a
customer who objected, carries no List-Unsubscribe header, and still has the unsubscribe
link the statement promises for every e-mail ("Elke e-mail bevat een afmeldlink")."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accounts import services as account_services
from consent.marketing import services, tokens
from core.mail import render_and_send


@pytest.fixture
def objector(customer):
    services.preference_set(user=customer, objected=True, via=services.Via.PREFERENCES, by=customer)
    return customer


@pytest.mark.django_db
def test_the_closure_mail_reaches_a_customer_who_objected_with_the_footer(objector, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_close(user=objector, by=objector)
    (message,) = [m for m in mail.outbox if objector.email in m.to]
    assert "opgeheven" in message.subject.lower() or "opgeheven" in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    assert "geen reclame" in message.body
    assert tokens.unsubscribe_url(objector.email) in message.body
    assert "/portal/e-mailvoorkeuren/" in message.body
    html = message.alternatives[0][0]
    assert "geen reclame" in html and html.rstrip().endswith("</html>")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    ["subscriptions/email/payment_failed", "subscriptions/email/payment_reminder", "retention/email/export_ready"],
)
def test_billing_and_data_mails_are_never_suppressed_and_carry_the_footer(objector, template):
    context = {"name": "Jansen", "plan": "Basis", "amount": "30,25", "url": "https://x", "failed_on": "1 mei"}
    render_and_send(template, to=[objector.email], context={**context, "pay_before": "15 mei"}, language="en")
    (message,) = mail.outbox
    assert "This message is about your account or our service and is not advertising" in message.body
    assert tokens.unsubscribe_url(objector.email) in message.body


@pytest.mark.django_db
def test_allauth_mails_such_as_a_password_reset_carry_the_footer_too(objector):
    Client().post("/accounts/password/reset/", {"email": objector.email})
    (message,) = mail.outbox
    assert objector.email in message.to
    assert "geen reclame" in message.body
    assert tokens.unsubscribe_url(objector.email) in message.body


@pytest.mark.django_db
def test_the_footer_link_of_a_transactional_mail_unsubscribes_from_offers(customer):
    render_and_send("accounts/email/account_closed", to=[customer.email], context={"username": "jansen"})
    (url,) = [line.split()[-1] for line in mail.outbox[0].body.splitlines() if "/unsubscribe/" in line]
    path = url.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in url else url
    Client().post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert not services.receives_marketing(customer)
