"""The optional e-mail address for billing mail, in the profile's billing section: validated,
used only after its holder confirmed it through a signed link (a typing error never sends
invoices to a stranger), unconfirmed again when it changes."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from accounts.services import account_close, profile_for
from audit.models import AuditEvent
from portal.testing.browser import mail_links
from subscriptions.services import billing_email

pytestmark = pytest.mark.django_db(transaction=True)

BOOKKEEPER = "boekhouding@jansen.example"


@pytest.fixture
def client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def profile_data(customer, **changes) -> dict:
    profile = profile_for(customer)
    data = {field: getattr(profile, field) for field in Profile.AUDITED_FIELDS}
    data = {k: ("on" if v is True else "" if v is False else str(v)) for k, v in data.items()}
    data["billing_same_as_address"] = "on"
    data.update(changes)
    return data


def save(client, customer, value: str):
    return client.post("/portal/gegevens/profiel/", profile_data(customer, billing_email=value))


def confirmation_link() -> str:
    (message,) = [m for m in mail.outbox if "Bevestig uw e-mailadres voor facturen" in m.subject]
    (link,) = mail_links(message, contains="/factuur-e-mailadres/")
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_saving_a_billing_address_mails_a_confirmation_link_to_it_and_nothing_else_changes(client, customer):
    response = save(client, customer, BOOKKEEPER)
    assert response.status_code == HTTPStatus.FOUND
    profile = Profile.objects.get(user=customer)
    assert profile.billing_email == BOOKKEEPER and not profile.billing_email_confirmed
    (message,) = mail.outbox
    assert message.to == [BOOKKEEPER] and message.subject == "Bevestig uw e-mailadres voor facturen"
    event = AuditEvent.objects.get(action="profile.changed", subject_id=customer.pk)
    assert event.changes["billing_email"] == ["", BOOKKEEPER]
    page = client.get("/portal/gegevens/profiel/").content.decode()
    assert f"{BOOKKEEPER} is nog niet bevestigd" in page and "Bevestigingslink opnieuw sturen" in page


def test_opening_the_link_asks_and_only_the_button_confirms(client, customer):
    save(client, customer, BOOKKEEPER)
    link = confirmation_link()
    visitor = Client()  # the bookkeeper: no account, no login
    page = visitor.get(link)
    assert page.status_code == HTTPStatus.OK and BOOKKEEPER in page.content.decode()
    assert not Profile.objects.get(user=customer).billing_email_confirmed  # a mail scanner confirms nothing
    done = visitor.post(link)
    assert done.status_code == HTTPStatus.OK
    assert f"Vanaf nu sturen wij facturen en andere mail over betalingen naar {BOOKKEEPER}." in done.content.decode()
    profile = Profile.objects.get(user=customer)
    assert profile.billing_email_confirmed and profile.billing_email_verified == BOOKKEEPER
    assert visitor.post(link).status_code == HTTPStatus.OK  # twice: nothing more happens
    assert AuditEvent.objects.filter(action="profile.billing_email_verified", subject_id=customer.pk).count() == 1
    page = client.get("/portal/gegevens/profiel/").content.decode()
    assert f"gaan naar {BOOKKEEPER} (bevestigd)" in page


def test_changing_the_address_needs_a_new_confirmation_and_the_old_link_stops_working(client, customer):
    save(client, customer, BOOKKEEPER)
    old_link = confirmation_link()
    Client().post(old_link)
    mail.outbox.clear()
    save(client, customer, "nieuw@jansen.example")
    profile = Profile.objects.get(user=customer)
    assert not profile.billing_email_confirmed
    response = Client().post(old_link)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Deze link is niet (meer) geldig" in response.content.decode()
    Client().post(confirmation_link())
    assert Profile.objects.get(user=customer).billing_email_verified == "nieuw@jansen.example"


def test_the_link_works_for_seven_days_and_not_a_second_longer(client, customer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        save(client, customer, BOOKKEEPER)
        link = confirmation_link()
    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        assert Client().post(link).status_code == HTTPStatus.NOT_FOUND
        assert not Profile.objects.get(user=customer).billing_email_confirmed
    with time_machine.travel(start + timedelta(days=7, seconds=-1), tick=False):
        assert Client().post(link).status_code == HTTPStatus.OK
        assert Profile.objects.get(user=customer).billing_email_confirmed


@pytest.mark.parametrize(
    "token",
    ["x", "a" * 10_000, "%00", "<script>alert(1)</script>", "é", "eyJwIjoxLCJlIjoiYUBiLm5sIn0:forged:signature"],
    ids=["short", "10kB", "NUL", "script", "unicode", "forged"],
)
def test_forged_links_are_refused_in_dutch_and_change_nothing(client, customer, token):
    save(client, customer, BOOKKEEPER)
    for method in (Client().get, Client().post):
        response = method(f"/factuur-e-mailadres/{token}/")
        assert response.status_code == HTTPStatus.NOT_FOUND
        if response.content:
            assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Profile.objects.get(user=customer).billing_email_confirmed


def test_a_link_made_for_another_address_or_customer_is_refused(client, customer, make_user):
    save(client, customer, BOOKKEEPER)
    profile = Profile.objects.get(user=customer)
    for token in (
        billing_email.confirmation_token(profile=profile, email="aanvaller@evil.example"),
        billing_email.confirmation_token(profile=profile_for(make_user("buurman")), email=BOOKKEEPER),
    ):
        assert Client().post(f"/factuur-e-mailadres/{token}/").status_code == HTTPStatus.NOT_FOUND
    assert not Profile.objects.get(user=customer).billing_email_confirmed


def test_a_link_of_a_closed_account_is_refused(client, customer):
    save(client, customer, BOOKKEEPER)
    link = confirmation_link()
    account_close(user=customer, by=customer)
    assert Client().post(link).status_code == HTTPStatus.NOT_FOUND
    assert not Profile.objects.get(user=customer).billing_email_confirmed


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("geen-adres", "Voer een geldig e-mailadres in."),
        ("<script>@x.nl", "Voer een geldig e-mailadres in."),
        ("jänsen@example.com", "Voer een geldig e-mailadres in."),
        ("a@b.nl\x00", "Null-tekens zijn niet toegestaan."),
        ("a" * 10_000 + "@example.com", "Zorg dat deze waarde niet meer dan 254 tekens bevat"),
        ("Jansen@Example.com", "Dit is al het e-mailadres van uw account"),
    ],
    ids=["garbage", "script", "unicode", "NUL", "10kB", "account address"],
)
def test_hostile_values_get_a_dutch_message_and_change_nothing(client, customer, value, message):
    response = save(client, customer, value)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert message in page, page[page.find('class="error"') - 200 : page.find('class="error"') + 400]
    assert "<script>@x.nl" not in page
    profile = Profile.objects.get(user=customer)
    assert profile.billing_email == "" and mail.outbox == []


def test_emptying_the_field_removes_the_address(client, customer):
    save(client, customer, BOOKKEEPER)
    Client().post(confirmation_link())
    mail.outbox.clear()
    assert save(client, customer, "").status_code == HTTPStatus.FOUND
    profile = Profile.objects.get(user=customer)
    assert profile.billing_email == "" and not profile.billing_email_confirmed and mail.outbox == []


def test_the_link_can_be_sent_again_once_a_minute(client, customer):
    save(client, customer, BOOKKEEPER)
    mail.outbox.clear()
    page = client.post("/portal/gegevens/factuur-e-mailadres/opnieuw/", follow=True).content.decode()
    assert "We hebben de bevestigingslink opnieuw gemaild." in page
    assert [m.to for m in mail.outbox] == [[BOOKKEEPER]]
    page = client.post("/portal/gegevens/factuur-e-mailadres/opnieuw/", follow=True).content.decode()
    assert "of u vroeg net al een link" in page
    assert len(mail.outbox) == 1
    assert client.get("/portal/gegevens/factuur-e-mailadres/opnieuw/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_nothing_to_send_again_without_an_unconfirmed_address(client):
    page = client.post("/portal/gegevens/factuur-e-mailadres/opnieuw/", follow=True).content.decode()
    assert "Er is geen e-mailadres voor facturen dat nog bevestigd moet worden" in page
    assert mail.outbox == []


def test_a_form_with_errors_does_not_claim_a_link_was_sent(client, customer):
    data = profile_data(customer, billing_email=BOOKKEEPER, kvk_number="123")
    response = client.post("/portal/gegevens/profiel/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "is nog niet bevestigd" not in response.content.decode()
    assert Profile.objects.get(user=customer).billing_email == "" and mail.outbox == []
