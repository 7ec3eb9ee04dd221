"""Every mail greets the customer by name: the profile's full name when given, else the
username; one tag ({% greeting %}) in every mail template, allauth's mails included."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Profile

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Mails that greet no customer by name, on purpose: a marketing mailing's body is the text
# staff wrote for it; the billing address check goes to an address that may be someone
# else's (a bookkeeper), so it says "Goedendag,".
NOT_A_CUSTOMER_GREETING = {"consent/email/marketing", "accounts/email/billing_email_confirm"}


def test_every_mail_body_template_greets_with_the_one_tag():
    bodies = sorted(TEMPLATES.glob("*/email/*_message.*")) + [TEMPLATES / "account" / "email" / "base_message.txt"]
    bodies = [
        body
        for body in bodies
        if str(body.relative_to(TEMPLATES)).rsplit("_message.", 1)[0] not in NOT_A_CUSTOMER_GREETING
    ]
    assert len(bodies) >= 15
    for body in bodies:
        text = body.read_text()
        assert "{% greeting" in text, body
        assert "Beste {{" not in text, body


@pytest.mark.django_db
def test_the_closing_mail_greets_by_full_name(customer, django_capture_on_commit_callbacks):
    Profile.objects.create(user=customer, full_name="Jan Jansen")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_close(user=customer, by=customer)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.startswith("Beste Jan Jansen,")
    assert "Beste Jan Jansen," in mail.outbox[0].alternatives[0][0]


@pytest.mark.django_db
def test_the_closing_mail_greets_by_username_without_a_name(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.account_close(user=customer, by=customer)
    assert mail.outbox[0].body.startswith("Beste jansen,")


@pytest.mark.django_db
def test_allauths_password_reset_mail_greets_by_full_name(client, customer, django_capture_on_commit_callbacks):
    Profile.objects.create(user=customer, full_name="Jan Jansen")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": customer.email})
    assert mail.outbox[0].body.startswith("Beste Jan Jansen,")
    assert "Hallo van" not in mail.outbox[0].body


@pytest.mark.django_db
def test_allauths_notification_mail_greets_by_full_name(client, customer, password, django_capture_on_commit_callbacks):
    Profile.objects.create(user=customer, full_name="Jan Jansen")
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": password, "password1": "N3w-Horse-Battery!", "password2": "N3w-Horse-Battery!"},
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.startswith("Beste Jan Jansen,")


@pytest.mark.django_db
def test_allauths_signup_confirmation_greets_by_username(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "username": "devries",
                "email": "devries@example.com",
                "password1": "Lang-genoeg-wachtwoord-1",
                "password2": "Lang-genoeg-wachtwoord-1",
            },
        )
    assert mail.outbox[0].body.startswith("Beste devries,")


@pytest.mark.django_db
def test_a_name_with_an_apostrophe_reads_as_written_in_text_and_is_escaped_in_html(
    customer, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=customer, full_name="Anne-Marie D'Hondt & <Zn>")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_close(user=customer, by=customer)
    assert mail.outbox[0].body.startswith("Beste Anne-Marie D'Hondt & <Zn>,")
    html = mail.outbox[0].alternatives[0][0]
    assert "Beste Anne-Marie D&#x27;Hondt &amp; &lt;Zn&gt;," in html


@pytest.mark.django_db
def test_an_answer_to_any_mail_reaches_the_company_not_the_no_reply_sender(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": customer.email})  # allauth's mail
        services.account_close(user=customer, by=customer)  # ours ("Vragen? Neem contact op")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.reply_to == [settings.COMPANY["email"]]
        assert message.message()["Reply-To"] == settings.COMPANY["email"]
