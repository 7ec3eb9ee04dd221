"""In development without SITE_URL, a server on any port builds its absolute URLs (mail links,
Mollie redirects, the in-process Mollie sandbox endpoint) from the address it is reached on,
not from the default http://127.0.0.1:8000."""

from __future__ import annotations

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
import requests
from django.core import mail

from subscriptions import mollie


@pytest.fixture
def following(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SITE_URL_FROM_REQUEST = True
    return settings


@pytest.mark.django_db
def test_a_request_on_another_port_moves_mail_links_and_the_sandbox_there(
    client, customer, following, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/mijn-gegevens/download/", HTTP_HOST="127.0.0.1:8765")
    assert response.status_code == HTTPStatus.FOUND
    assert following.SITE_URL == "http://127.0.0.1:8765"
    ready = next(m for m in mail.outbox if "klaar" in m.subject)
    assert "http://127.0.0.1:8765/portal/mijn-gegevens/download/" in ready.body
    assert "127.0.0.1:8000" not in ready.body
    assert mollie.endpoint() == "http://127.0.0.1:8765/sandbox/mollie"


@pytest.mark.django_db(transaction=True)
def test_a_live_server_on_a_random_port_is_its_own_site(live_server, following):
    assert not live_server.url.endswith(":8000")
    response = requests.get(live_server.url + "/", timeout=10)
    assert response.status_code == HTTPStatus.OK
    assert following.SITE_URL == live_server.url
    assert mollie.endpoint() == live_server.url + "/sandbox/mollie"


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1:8765@evil.example.com", "<script>", "a" * 300])
def test_a_hostile_host_header_is_refused_and_changes_nothing(client, following, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert following.SITE_URL == "http://127.0.0.1:8000"


def following_in_a_fresh_process(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL_FROM_REQUEST)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_only_development_without_site_url_follows_the_request():
    assert following_in_a_fresh_process(DJANGO_DEBUG="1") == "True"
    assert following_in_a_fresh_process(DJANGO_DEBUG="1", SITE_URL="http://127.0.0.1:9000") == "False"
