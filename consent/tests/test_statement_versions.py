"""Older versions stay readable at their own URL and in a list; anything that is not the
number of a published version is a 404, never a 500."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from http import HTTPStatus

import pytest
import time_machine

from consent.statement import services as statement_services
from consent.tests.statement_helpers import AMSTERDAM, make_draft, seed, staff  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(seed, staff):  # noqa: F811
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        second = make_draft(effective_date=date(2026, 3, 1), marker="tweede versie")
        statement_services.publish_version(version=second, by=staff)
    return seed, second


def test_an_older_version_is_readable_at_its_own_url(client, two_versions):
    first, second = two_versions
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        current = client.get("/privacy/").content.decode()
        older = client.get(f"/privacy/{first.number}/")
    assert "tweede versie" in current and "1 maart 2026" in current
    assert older.status_code == HTTPStatus.OK
    page = older.content.decode()
    assert "Dit is een oudere versie van onze privacyverklaring." in page
    assert "1 januari 2018" in page and "tweede versie" not in page


def test_the_list_shows_every_published_version_newest_first(client, two_versions):
    first, second = two_versions
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        page = client.get("/privacy/versies/").content.decode()
    assert page.index(f'href="/privacy/{second.number}/"') < page.index(f'href="/privacy/{first.number}/"')
    assert "geldig vanaf 1 januari 2018" in page and "(huidige versie)" in page


def test_an_older_version_keeps_the_data_sections_it_was_published_with(client, two_versions, monkeypatch):
    first, second = two_versions
    third = make_draft(effective_date=date(2026, 5, 1), marker="derde")
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        statement_services.publish_version(version=third, by=None)
    from register import registry

    changed = dataclasses.replace(registry.get("billing"), purpose="Een nieuw doel dat in geen oude versie stond.")
    monkeypatch.setitem(registry._registry, "billing", changed)  # a deploy that changes the register
    with time_machine.travel(datetime(2026, 5, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        in_force = client.get("/privacy/").content.decode()
        older = client.get(f"/privacy/{second.number}/").content.decode()
    assert "Een nieuw doel dat in geen oude versie stond." in in_force
    assert "Een nieuw doel dat in geen oude versie stond." not in older


@pytest.mark.parametrize(
    "number",
    [
        "0",
        "-1",
        "2",
        "99999999999999999999999999",
        "2147483648",
        "1.0",
        "abc",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%00",
        "1%00",
        "%E2%91%A0",  # a circled digit one
        "%EF%BC%91",  # a fullwidth digit one
        "%201",
        "+1",
        "01",
        "x" * 10_000,
    ],
)
def test_a_hostile_version_id_is_a_404(client, seed, number):  # noqa: F811
    response = client.get(f"/privacy/{number}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
