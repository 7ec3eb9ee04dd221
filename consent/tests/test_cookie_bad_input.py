"""A cookie decision without CSRF token, with unknown groups or forged values is refused
with a clear message, and nothing is recorded or remembered."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from audit.models import AuditEvent
from consent.models import CookieConsentRecord
from consent.tests.cookie_fixtures import cookie_groups  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_groups")]


def _nothing_recorded(response) -> None:
    assert CookieConsentRecord.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="consent.").exists()
    assert "cookie_consent" not in response.cookies and "cookie_consent_id" not in response.cookies


def test_a_decision_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # the visitor has a CSRF cookie, the forged form has no token
    response = client.post("/cookies/keuze/", {"choice": "accept", "next": "/"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    _nothing_recorded(response)


@pytest.mark.parametrize(
    "fields",
    [
        {"choice": "accept", "group-marketing": "accept"},  # a group we do not have
        {"choice": "save", "group-analytics": "accept", "group-necessary": "reject"},  # not optional
        {"choice": "save", "group-analytics": "ja"},
        {"choice": "save"},  # no choice for analytics
        {"choice": "alles"},
        {"choice": ""},
        {},
        {"choice": "accept\x00"},
        {"choice": "<script>alert(1)</script>"},
        {"choice": "accept", "next": "x" * 10_000},
        {"choice": "accept", "next": "https://evil.example/"},
        {"choice": "accept", "next": "//evil.example/"},
        {"choice": "accept", "next": "/ok\r\nSet-Cookie: a=b"},
        {"choice": "save", "group-analytics": "accept" * 2000},
        {"choice": "accept", "cookie_groups": "analytics"},  # the library's own field name
    ],
)
def test_unknown_groups_and_forged_values_are_refused_and_nothing_is_recorded(client, fields):
    response = client.post("/cookies/keuze/", fields)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Uw keuze kon niet worden verwerkt" in response.content.decode()
    _nothing_recorded(response)


def test_the_refusal_is_in_english_for_an_english_visitor(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post("/cookies/keuze/", {"choice": "accept", "group-marketing": "accept"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Your choice could not be processed" in response.content.decode()


def test_the_script_gets_the_refusal_as_json(client):
    response = client.post("/cookies/keuze/", {"choice": "nee"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "error" in response.json()
    _nothing_recorded(response)


def test_a_get_changes_nothing(client):
    response = client.get("/cookies/keuze/?choice=accept")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    _nothing_recorded(response)


def test_the_librarys_own_accept_endpoint_is_not_reachable(client):
    response = client.post("/cookies/accept/", {"all_groups": "1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    _nothing_recorded(response)


def test_a_forged_decision_cookie_does_not_switch_analytics_on(client, settings):
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    client.cookies["cookie_consent"] = "analytics=9999-01-01T00:00:00"
    client.cookies["cookie_consent_id"] = "eyJpIjoiQUJDRCJ9:forged:signature"
    page = client.get("/").content.decode()
    assert 'data-granted="false"' in page
    assert "Cookies op dit portaal" in page  # the banner asks
