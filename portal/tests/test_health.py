from __future__ import annotations

from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_readyz_names_redis_when_it_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "redis" in response.json()["failed"]
    assert "database" not in response.json()["failed"]


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_does_not_answer(client):
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "database" in response.json()["failed"]
