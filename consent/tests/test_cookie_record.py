"""Every cookie decision is recorded as proof: consent id, time, groups, statement version,
truncated IP address, browser, and the user when logged in; with its audit event."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from audit.models import AuditEvent
from consent.models import CookieConsentRecord
from consent.statement import selectors as statement
from consent.tests.cookie_fixtures import choose, cookie_groups, latest_record  # noqa: F401
from consent.tests.statement_helpers import seed  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_groups")]


def test_accepting_records_the_decision_with_a_truncated_ipv4_address(client, seed):  # noqa: F811
    response = choose(client, "accept", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Firefox/140 test")
    assert response.status_code == HTTPStatus.FOUND
    record = latest_record()
    assert record.accepted == ["analytics"] and record.refused == []
    assert record.statement_version == "1 (1 januari 2018)" == statement.current_version_label()
    assert record.ip_network == "203.0.113.0/24"
    assert "203.0.113.77" not in str(CookieConsentRecord.objects.values().get())
    assert record.user_agent == "Firefox/140 test"
    assert record.user is None
    event = AuditEvent.objects.get(action="consent.given")
    assert event.target_id == str(record.pk) and event.subject_id is None


def test_refusing_records_the_refusal(client):
    choose(client, "reject", REMOTE_ADDR="2001:db8:abcd:12:1::5")
    record = latest_record()
    assert record.accepted == [] and record.refused == ["analytics"]
    assert record.ip_network == "2001:db8:abcd::/48"
    assert AuditEvent.objects.filter(action="consent.refused").count() == 1


def test_a_logged_in_customer_is_named_in_the_record_and_the_audit_trail(client, customer):
    client.force_login(customer)
    choose(client, "accept")
    record = latest_record()
    assert record.user == customer
    assert AuditEvent.objects.filter(action="consent.given", subject_id=customer.pk).exists()


def test_withdrawing_after_accepting_is_recorded_as_a_withdrawal_with_a_new_consent_id(client):
    choose(client, "accept")
    first = latest_record()
    choose(client, "save", {"group-analytics": "reject"})
    second = latest_record()
    assert second.consent_id != first.consent_id
    assert second.refused == ["analytics"]
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_the_settings_page_shows_the_visitor_their_consent_id(client):
    choose(client, "accept")
    page = client.get("/cookies/").content.decode()
    assert latest_record().consent_id in page
    assert "Uw keuze is vastgelegd op" in page


def test_the_consent_id_is_random_and_readable():
    from consent.cookies.selectors import new_consent_id, normalise_consent_id

    ids = {new_consent_id() for _ in range(200)}
    assert len(ids) == 200
    sample = ids.pop()
    assert len(sample) == 19 and sample.count("-") == 3
    assert normalise_consent_id(sample.lower().replace("-", " ")) == sample


@pytest.mark.parametrize(
    ("ip", "stored"),
    [
        ("192.0.2.255", "192.0.2.0/24"),
        ("::ffff:192.0.2.7", "192.0.2.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::/48"),
        ("", ""),
        (None, ""),
        ("not-an-ip", ""),
    ],
)
def test_only_the_network_of_the_address_is_stored(ip, stored):
    from consent.cookies import services

    record = services.cookie_choice_record(accepted=[], refused=["analytics"], ip=ip, user_agent="x")
    assert record.ip_network == stored
    assert CookieConsentRecord.objects.filter(pk=record.pk, ip_network=stored).exists()


def test_the_banner_script_gets_the_decision_as_json_and_the_same_cookies(client):
    response = client.post(
        "/cookies/keuze/", {"choice": "accept", "next": "/"}, HTTP_X_REQUESTED_WITH="fetch", REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == HTTPStatus.OK
    answer = response.json()
    assert answer["analytics"] is True and answer["consentId"] == latest_record().consent_id
    assert answer["consentId"] in answer["message"]
    assert {"cookie_consent", "cookie_consent_id"} <= set(response.cookies)


def test_the_decision_is_kept_in_http_only_cookies_for_a_year_secure_when_configured(client, settings):
    settings.COOKIE_CONSENT_SECURE = True
    response = choose(client, "reject")
    for name in ("cookie_consent", "cookie_consent_id"):
        morsel = response.cookies[name]
        assert morsel["httponly"] and morsel["secure"], name
        assert morsel["samesite"] == "Lax" and morsel["max-age"] == 365 * 24 * 3600, name
    assert response.cookies["cookie_consent"].value == "analytics=-1"
