"""allauth's pages, messages and mails address the customer as "u", like the rest of the
portal (its own Dutch says "je"; locale_overrides/nl replaces those texts)."""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import polib
import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import translation

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jouwe)\b", re.IGNORECASE)
ALLAUTH_NL = Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"
USED_PARTS = ("account/", "mfa/", "usersessions/", "templates/account/", "templates/mfa/", "templates/usersessions/")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)


def test_it_has_no_informal_dutch_left_in_any_allauth_text_the_portal_uses():
    entries = [
        entry
        for entry in polib.pofile(str(ALLAUTH_NL))
        if not entry.obsolete and any(path.startswith(USED_PARTS) for path, _line in entry.occurrences)
    ]
    assert len(entries) > 200
    informal = []
    with translation.override("nl"):
        for entry in entries:
            if entry.msgid_plural:
                texts = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            elif entry.msgctxt:
                texts = [translation.pgettext(entry.msgctxt, entry.msgid)]
            else:
                texts = [translation.gettext(entry.msgid)]
            informal += [text for text in texts if informal_words(text)]
    assert informal == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done", "account_logout"],
)
def test_it_says_u_on_allauth_pages_for_visitors(client, url_name):
    html = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert informal_words(visible_text(html)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "account_logout",
        "mfa_index",
        "mfa_activate_totp",
        "usersessions_list",
        "account_reauthenticate",
    ],
)
def test_it_says_u_on_allauth_pages_for_customers(client, customer, url_name):
    client.force_login(customer)
    html = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert informal_words(visible_text(html)) == []


@pytest.mark.django_db
def test_it_says_u_on_the_mfa_pages_of_a_customer_with_an_authenticator(client, customer):
    Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(customer)
    for url_name in ("mfa_index", "mfa_deactivate_totp", "mfa_generate_recovery_codes"):
        html = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert informal_words(visible_text(html)) == [], url_name


@pytest.mark.django_db
def test_it_says_u_in_the_password_reset_mail(client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": customer.email}, HTTP_ACCEPT_LANGUAGE="nl")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "wachtwoord" in message.body
    assert informal_words(message.subject + message.body) == []


@pytest.mark.django_db
def test_it_says_u_in_the_signup_confirmation_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "username": "nieuweklant",
                "email": "nieuw@example.com",
                "password1": "Corr3ct-Horse-Battery",
                "password2": "Corr3ct-Horse-Battery",
            },
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "bevestig" in (message.subject + message.body).lower()
    assert informal_words(message.subject + message.body) == []


@pytest.mark.django_db
def test_it_says_u_in_the_password_changed_notification(client, customer, password, django_capture_on_commit_callbacks):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": password, "password1": "N3w-Horse-Battery!", "password2": "N3w-Horse-Battery!"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert [m.subject for m in mail.outbox]
    for message in mail.outbox:
        assert informal_words(message.subject + message.body) == []
