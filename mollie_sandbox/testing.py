"""Test fixtures for the Mollie sandbox (a pytest plugin, registered in the root conftest):
the sandbox served by the live server, reached by the real mollie-api-python client over
HTTP (the only stand-in, at the HTTP boundary)."""

from __future__ import annotations

import pytest
import requests
from django.test import Client as DjangoClient


@pytest.fixture
def mollie_sandbox(live_server, settings):
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/sandbox/mollie"
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_RETRY_DELAYS = (0.05, 0.1)
    settings.MOLLIE_TIMEOUT = (2, 3)
    # The live server answers each request in a new thread: without this each of them
    # would keep its own database connection open for a minute.
    from django.db import connection

    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield live_server
    connection.settings_dict["CONN_MAX_AGE"] = previous


@pytest.fixture
def api(mollie_sandbox):
    """A raw HTTP session on the sandbox API (for checking shapes the client hides)."""
    from django.conf import settings

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings.MOLLIE_SANDBOX_API_KEY}"
    session.base = mollie_sandbox.url + "/sandbox/mollie/v2/"
    return session


def checkout(url: str, outcome: str = "paid", method: str = "creditcard"):
    """The payer's choice on the sandbox's hosted checkout page."""
    from urllib.parse import urlsplit

    return DjangoClient().post(urlsplit(url).path, {"outcome": outcome, "method": method})
