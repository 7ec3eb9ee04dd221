"""Every page reads the statement's state and the cookie groups; they are kept in each web
process's memory and checked against one shared token (core.shared_version), read in the same
Redis round trip as the session. A publication or a changed cookie group must still show at
once in every process."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from consent.statement import services as statement_services
from consent.tests.statement_helpers import make_draft, seed, staff  # noqa: F401  (fixtures)
from core import shared_version
from portal.testing.web_process import run_gunicorn

NOTICE = "Lees de nieuwe versie"


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands this process sends (the real client, only counted)."""
    sent: list[str] = []
    original = redis.Redis.execute_command

    def execute_command(self, *args, **options):
        sent.append(str(args[0]).upper())
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
    return sent


@pytest.mark.django_db
def test_a_page_costs_one_redis_round_trip_logged_in_or_not(client, customer, seed, redis_commands):  # noqa: F811
    assert client.get("/").status_code == 200  # warm: the copies are made
    redis_commands.clear()
    assert client.get("/").status_code == 200
    assert redis_commands == ["GET"]  # the shared token only

    client.force_login(customer)
    assert client.get("/portal/blank/").status_code == 200
    redis_commands.clear()
    assert client.get("/portal/blank/").status_code == 200
    assert redis_commands == ["MGET"]  # the session and the token together


def _as_another_process(cache_backend_name: str = "versioned"):
    """A second VersionedLocalCache: its own memory, as another web process has."""
    from django.core.cache import caches

    backend = type(caches[cache_backend_name])
    return backend("", settings.CACHES[cache_backend_name])


def _in_a_request(read):
    shared_version._begin_request()
    try:
        return read()
    finally:
        shared_version._end_request()


@pytest.mark.django_db
def test_a_value_deleted_in_one_process_is_read_again_by_the_next_request_of_another():
    from django.core.cache import caches

    here, there = caches["versioned"], _as_another_process()
    here.set("probe", "old", timeout=3600)
    assert _in_a_request(lambda: there.get("probe")) == "old"  # now held in "there"'s memory
    caches["default"].set(here.make_key("probe"), "new", timeout=3600)  # behind its back: unseen
    assert _in_a_request(lambda: there.get("probe")) == "old"

    here.delete("probe")  # a change through the cache: a new token
    here.set("probe", "newer", timeout=3600)
    assert _in_a_request(lambda: there.get("probe")) == "newer"


@pytest.mark.django_db
def test_an_emptied_redis_makes_every_copy_stale():
    from django.core.cache import cache, caches

    there = _as_another_process()
    caches["versioned"].set("probe", "old", timeout=3600)
    assert _in_a_request(lambda: there.get("probe")) == "old"
    cache.clear()  # Redis restarted or flushed: the token is gone
    assert _in_a_request(lambda: there.get("probe")) is None


@pytest.mark.django_db
def test_a_renamed_cookie_group_is_shown_at_once_by_another_process(client):
    from cookie_consent.cache import _get_cookie_groups_from_db, all_cookie_groups
    from cookie_consent.models import CookieGroup

    group = CookieGroup.objects.get(varname="analytics")
    assert "Analytisch" in client.get("/").content.decode()  # this process holds the groups now
    before = _in_a_request(all_cookie_groups)["analytics"]
    assert before.name == group.name
    group.name = "Statistieken"
    group.save()  # the library deletes its cache entry: the token changes
    there = _as_another_process()
    groups = _in_a_request(lambda: there.get_or_set("cookie_consent_cache", _get_cookie_groups_from_db))
    assert groups["analytics"].name == "Statistieken"


@pytest.mark.django_db(transaction=True)
def test_a_publication_shows_its_notice_at_once_in_every_web_process(customer, staff):  # noqa: F811
    from consent.tests.statement_helpers import ensure_seed

    ensure_seed()
    customer.date_joined = timezone.now() - timedelta(days=100)
    customer.save()
    session = Client()
    session.force_login(customer)
    cookies = {settings.SESSION_COOKIE_NAME: session.cookies[settings.SESSION_COOKIE_NAME].value}
    with run_gunicorn(database_settings=dict(connection.settings_dict), workers=2) as web:

        def pages(count: int) -> list[str]:
            # A new connection each time, so both workers answer some of them.
            return [requests.get(web.url + "/portal/", cookies=cookies, timeout=20).text for _ in range(count)]

        before = pages(16)
        assert all(NOTICE not in page and "Uitloggen" in page for page in before), before[0]  # both hold copies
        version = make_draft(effective_date=timezone.localdate() + timedelta(days=14), marker="nieuw")
        statement_services.publish_version(version=version, by=staff)
        after = pages(16)
    assert all(NOTICE in page and f'href="/privacy/{version.number}/"' in page for page in after)
