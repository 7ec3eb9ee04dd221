"""With PostgreSQL or Redis down, every page that needs them answers 503 with Retry-After and
a maintenance page in Dutch and English (no stack trace, no inline style), not a 500. Each
test points this test's own settings at a port where nothing listens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from core.outage import server_error_or_outage

NOWHERE_REDIS = "redis://127.0.0.1:1/0"
PAGES = ("/portal/", "/portal/gegevens/profiel/", "/portal/account/opheffen/")


def assert_maintenance_page(response) -> None:
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, response.status_code
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "Even geduld" in body and "Please bear with us" in body
    assert "Traceback" not in body and "Error" not in body and "redis" not in body.lower()
    assert "style=" not in body and "<script" not in body


@contextmanager
def redis_down() -> Iterator[None]:
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOWHERE_REDIS}},
        REDIS_URL=NOWHERE_REDIS,
    ):
        yield


@contextmanager
def database_down() -> Iterator[None]:
    """This test's own connection points at a closed port until the block ends."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
def test_logged_in_pages_and_login_answer_503_when_redis_is_down(customer, password):
    client = Client(raise_request_exception=False)
    client.force_login(customer)
    with redis_down():
        for url in PAGES:
            assert_maintenance_page(client.get(url))
        anonymous = Client(raise_request_exception=False)
        assert_maintenance_page(anonymous.post("/accounts/login/", {"login": "jansen", "password": password}))


@pytest.mark.django_db(transaction=True)
def test_logged_in_pages_and_login_answer_503_when_postgresql_is_down(customer, password):
    client = Client(raise_request_exception=False)
    client.force_login(customer)
    cache.clear()  # the session must come from the database (cached_db), as after a restart
    with database_down():
        for url in PAGES:
            assert_maintenance_page(client.get(url))
        anonymous = Client(raise_request_exception=False)
        assert_maintenance_page(anonymous.post("/accounts/login/", {"login": "jansen", "password": password}))


@pytest.mark.django_db(transaction=True)
def test_readyz_still_answers_in_json_when_redis_is_down():
    with redis_down():
        response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == {"redis": "ConnectionError"}


@pytest.mark.django_db(transaction=True)
def test_pages_work_again_once_the_services_are_back(customer):
    client = Client(raise_request_exception=False)
    client.force_login(customer)
    with database_down():
        assert_maintenance_page(client.get("/portal/"))
    assert client.get("/portal/").status_code == HTTPStatus.OK


def test_a_real_bug_is_still_a_500_without_retry_after():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error_or_outage(request)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Retry-After" not in response
