"""A staff member's second factor is set up only through the single-use invitation an admin
sends: valid 72 hours, once, only for the staff member it was made for, logged in with his
own password; sent and used are audited."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent


@pytest.fixture
def newcomer(make_user):
    return make_user("nieuwkomer", staff=True)


def invite(staff_client, member) -> str:
    """The admin ticks the staff member and runs the action; returns the link from the mail."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the mail goes after the commit
        response = staff_client.post(
            "/admin/accounts/user/",
            {"action": "send_mfa_invitation", "_selected_action": [member.pk]},
            follow=True,
        )
    assert response.status_code == HTTPStatus.OK
    assert f"Uitnodiging verstuurd naar {member.email}" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    return re.search(r"https?://\S+/medewerker/tweestapsverificatie/\S+/", mail.outbox[0].body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def logged_in(member, password) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": member.username, "password": password}).status_code == 302
    return client


@pytest.mark.django_db(transaction=True)
def test_the_invitation_opens_the_setup_once(staff_client, staff, newcomer, password):
    link = invite(staff_client, newcomer)
    sent = AuditEvent.objects.get(action="staff.mfa_invited", subject_id=newcomer.pk)
    assert sent.actor_id == staff.pk
    client = logged_in(newcomer, password)
    response = client.get(path_of(link))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert AuditEvent.objects.filter(action="staff.mfa_invitation_used", subject_id=newcomer.pk).count() == 1
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)
    if setup.redirect_chain and setup.redirect_chain[-1][0].startswith("/accounts/reauthenticate/"):
        setup = client.post(setup.redirect_chain[-1][0], {"password": password}, follow=True)
    assert b"authenticator_secret" in setup.content  # the setup page, with the new secret
    # The same link a second time (another session, e.g. an attacker who read the mail).
    again = logged_in(newcomer, password).get(path_of(link))
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "niet (meer) geldig" in again.content.decode()
    assert AuditEvent.objects.filter(action="staff.mfa_invitation_used", subject_id=newcomer.pk).count() == 1


@pytest.mark.django_db
def test_the_link_is_only_for_the_staff_member_it_was_made_for(staff_client, newcomer, make_user, password):
    link = invite(staff_client, newcomer)
    colleague = make_user("collega", staff=True)
    other = logged_in(colleague, password)
    assert other.get(path_of(link)).status_code == HTTPStatus.BAD_REQUEST
    assert other.get("/accounts/2fa/totp/activate/")["Location"] == "/medewerker/tweestapsverificatie/"
    # Still valid for the newcomer himself.
    assert logged_in(newcomer, password).get(path_of(link))["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
def test_without_a_login_the_link_asks_for_the_password_first(staff_client, newcomer):
    link = invite(staff_client, newcomer)
    response = Client().get(path_of(link))
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action="staff.mfa_invitation_used").exists()


@pytest.mark.django_db
def test_the_link_is_valid_72_hours(staff_client, newcomer, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = invite(staff_client, newcomer)
    with time_machine.travel(start + timedelta(hours=72, seconds=1), tick=False):
        client = logged_in(newcomer, password)
        assert client.get(path_of(link)).status_code == HTTPStatus.BAD_REQUEST
    with time_machine.travel(start + timedelta(hours=71, minutes=59), tick=False):
        client = logged_in(newcomer, password)
        assert client.get(path_of(link))["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
def test_a_newer_invitation_replaces_the_older(staff_client, newcomer, password):
    first = invite(staff_client, newcomer)
    second = invite(staff_client, newcomer)
    client = logged_in(newcomer, password)
    assert client.get(path_of(first)).status_code == HTTPStatus.BAD_REQUEST
    assert client.get(path_of(second)).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x", "<script>alert(1)</script>", "a" * 10_000, "eyJ1IjoxfQ:forged:sig"])
def test_a_forged_link_gets_a_clear_answer_and_no_setup(newcomer, password, token):
    client = logged_in(newcomer, password)
    response = client.get(f"/medewerker/tweestapsverificatie/{token}/")
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert "niet (meer) geldig" in response.content.decode()
    assert client.get("/accounts/2fa/totp/activate/")["Location"] == "/medewerker/tweestapsverificatie/"
    assert not AuditEvent.objects.filter(action="staff.mfa_invitation_used").exists()


@pytest.mark.django_db
def test_only_the_admin_role_sends_invitations(make_user, newcomer):
    support = make_user("ondersteuner", staff=True)
    support.groups.add(Group.objects.get(name=roles.SUPPORT))
    Authenticator.objects.create(user=support, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(support)
    listing = client.get("/admin/accounts/user/")
    assert "send_mfa_invitation" not in listing.content.decode()
    client.post("/admin/accounts/user/", {"action": "send_mfa_invitation", "_selected_action": [newcomer.pk]})
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="staff.mfa_invited").exists()


@pytest.mark.django_db
def test_no_invitation_for_a_customer_or_staff_with_mfa(staff_client, staff, customer):
    for member in (customer, staff):
        response = staff_client.post(
            "/admin/accounts/user/", {"action": "send_mfa_invitation", "_selected_action": [member.pk]}, follow=True
        )
        page = response.content.decode()
        assert "Alleen een actieve medewerker" in page or "al tweestapsverificatie" in page
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="staff.mfa_invited").exists()


@pytest.mark.django_db
def test_the_first_admin_is_invited_from_the_command_line(make_user, password, capsys):
    first = make_user("eerste", staff=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("mfa_invite", "eerste")
    assert mail.outbox[0].to == [first.email]
    link = capsys.readouterr().out.strip()
    assert AuditEvent.objects.get(action="staff.mfa_invited", subject_id=first.pk).actor_id is None
    cache.clear()  # the command ran in a process of its own: nothing of it is in the web's cache
    assert logged_in(first, password).get(path_of(link))["Location"] == "/accounts/2fa/totp/activate/"
