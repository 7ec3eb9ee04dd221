"""Connecting: Exact's authorization-code flow through the sandbox, the state bound to the
session and used once, the code used once, the administration chosen from Exact's list."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from koppeling.models import Connection
from koppeling.tests.conftest import authorize_at_sandbox, connect

pytestmark = pytest.mark.usefixtures("exact_sandbox")


def test_it_connects_the_administration_the_customer_chooses(browser_client, customer):
    callback = authorize_at_sandbox(browser_client)
    response = browser_client.get(callback)
    assert response.status_code == HTTPStatus.FOUND
    page = browser_client.get("/portal/koppeling/administratie/")
    assert "Demo Webshop B.V." in page.content.decode() and "Demo Holding B.V." in page.content.decode()
    browser_client.post("/portal/koppeling/administratie/", {"division": "1002"})

    connection = Connection.objects.get(user=customer)
    assert connection.state == Connection.State.CONNECTED
    assert (connection.division, connection.division_name) == (1002, "Demo Holding B.V.")
    assert connection.exact_user_name == "demo@voorbeeld.nl"
    assert connection.access_expires_at > timezone.now() + timedelta(minutes=9)
    assert {"journals", "vat_codes", "gl_accounts"} <= set(connection.options)
    assert len(connection.options["gl_accounts"]) == 75  # two pages of Exact's 60 rows, __next followed
    actions = list(AuditEvent.objects.filter(subject_id=customer.pk).values_list("action", flat=True))
    assert {"koppeling.authorized", "koppeling.connected"} <= set(actions)


def test_the_redirect_uri_comes_from_site_url_and_the_state_is_long_and_random(browser_client, settings):
    first = urlsplit(browser_client.post("/portal/koppeling/verbinden/")["Location"])
    second = urlsplit(browser_client.post("/portal/koppeling/verbinden/")["Location"])
    query = parse_qs(first.query)
    assert query["redirect_uri"] == [settings.SITE_URL + "/portal/koppeling/exact/callback/"]
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) >= 40 and query["state"] != parse_qs(second.query)["state"]


def test_a_forged_state_is_refused_and_nothing_is_saved(browser_client, customer):
    callback = authorize_at_sandbox(browser_client)
    forged = callback.replace("state=", "state=x")
    response = browser_client.get(forged)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ongeldig" in response.content.decode()
    assert not Connection.objects.filter(user=customer).exists()


def test_a_state_from_another_session_is_refused(browser_client, customer, make_user):
    callback = authorize_at_sandbox(browser_client)
    other = Client()
    other.force_login(make_user("ander"))
    assert other.get(callback).status_code == HTTPStatus.BAD_REQUEST
    assert not Connection.objects.exists()


def test_a_replayed_callback_is_refused(browser_client, customer):
    callback = authorize_at_sandbox(browser_client)
    assert browser_client.get(callback).status_code == HTTPStatus.FOUND
    before = Connection.objects.get(user=customer).access_token_encrypted
    assert browser_client.get(callback).status_code == HTTPStatus.BAD_REQUEST
    assert Connection.objects.get(user=customer).access_token_encrypted == before


def test_an_expired_state_is_refused_after_ten_minutes(browser_client, customer):
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        callback = authorize_at_sandbox(browser_client)
        traveller.shift(timedelta(minutes=10, seconds=5))
        response = browser_client.get(callback)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "verlopen" in response.content.decode()
    assert not Connection.objects.filter(user=customer).exists()


def test_a_state_just_inside_ten_minutes_is_accepted(browser_client, customer):
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        start = urlsplit(browser_client.post("/portal/koppeling/verbinden/")["Location"])
        traveller.shift(timedelta(minutes=9, seconds=50))  # a slow login at Exact; its code lives 3 minutes
        query = {k: v[0] for k, v in parse_qs(start.query).items()}
        back = urlsplit(Client().post(start.path, {**query, "user": "demo", "decision": "allow"})["Location"])
        response = browser_client.get(f"{back.path}?{back.query}")
    assert response.status_code == HTTPStatus.FOUND
    assert Connection.objects.filter(user=customer).exists()


def test_a_reused_code_is_refused_by_exact_and_changes_nothing(browser_client, customer):
    callback = authorize_at_sandbox(browser_client)
    browser_client.get(callback)
    before = Connection.objects.get(user=customer).refresh_token_encrypted
    # A new attempt (new state in the session), but the old code sent again.
    fresh = urlsplit(browser_client.post("/portal/koppeling/verbinden/")["Location"])
    new_state = parse_qs(fresh.query)["state"][0]
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    response = browser_client.get("/portal/koppeling/exact/callback/", {"code": old_code, "state": new_state})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "al gebruikt" in response.content.decode()
    assert Connection.objects.get(user=customer).refresh_token_encrypted == before


def test_denied_access_at_exact_connects_nothing(browser_client, customer):
    start = urlsplit(browser_client.post("/portal/koppeling/verbinden/")["Location"])
    query = {k: v[0] for k, v in parse_qs(start.query).items()}
    answer = Client().post(start.path, {**query, "user": "demo", "decision": "deny"})
    back = urlsplit(answer["Location"])
    response = browser_client.get(f"{back.path}?{back.query}", follow=True)
    assert "geen toegang gegeven" in response.content.decode()
    assert not Connection.objects.filter(user=customer).exists()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"state": ""},
        {"state": "a" * 10_000, "code": "x"},
        {"state": "<script>alert(1)</script>", "code": "\x00"},
        {"error": "access_denied"},
    ],
)
def test_a_tampered_callback_is_a_clear_400_never_a_500(browser_client, customer, query):
    browser_client.post("/portal/koppeling/verbinden/")
    response = browser_client.get("/portal/koppeling/exact/callback/", query)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<script>alert" not in response.content.decode()
    assert not Connection.objects.filter(user=customer).exists()


@pytest.mark.parametrize("division", ["9999", "1003", "", "<b>1</b>", "1" * 5000, "\x00"])
def test_only_an_administration_exact_listed_can_be_chosen(browser_client, customer, division):
    callback = authorize_at_sandbox(browser_client)
    browser_client.get(callback)
    response = browser_client.post("/portal/koppeling/administratie/", {"division": division})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Kies een administratie" in response.content.decode()
    connection = Connection.objects.get(user=customer)
    assert connection.state == Connection.State.CHOOSING and connection.division is None


def test_disconnecting_removes_the_tokens(browser_client, customer):
    connect(browser_client)
    # The button opens a page that says what happens; only its own button disconnects.
    confirm = browser_client.get("/portal/koppeling/verbreken/")
    assert confirm.status_code == HTTPStatus.OK
    assert "Verbinding met Exact Online verbreken?" in confirm.content.decode()
    browser_client.post("/portal/koppeling/verbreken/")  # without confirm=ja: nothing happens
    assert Connection.objects.get(user=customer).state == Connection.State.CONNECTED
    response = browser_client.post("/portal/koppeling/verbreken/", {"confirm": "ja"}, follow=True)
    assert "verbroken" in response.content.decode()
    connection = Connection.objects.get(user=customer)
    assert connection.state == Connection.State.DISCONNECTED
    assert connection.access_token_encrypted == connection.refresh_token_encrypted == ""
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="koppeling.disconnected").exists()


def test_the_choose_page_of_a_customer_without_connection_sends_them_back(browser_client):
    response = browser_client.post("/portal/koppeling/administratie/", {"division": "1001"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Connection.objects.exists()
