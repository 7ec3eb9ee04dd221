"""Test fixtures for the Mollie sandbox (a pytest plugin, registered in the root conftest):
the sandbox served by the live server, reached by the real mollie-api-python client over
HTTP (the only stand-in, at the HTTP boundary)."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client as DjangoClient
from django.utils import translation
from requests.structures import CaseInsensitiveDict

logger = logging.getLogger(__name__)


IN_PROCESS_HOST = "testserver"


@pytest.fixture
def mollie_sandbox(request, settings):
    """The sandbox, reached by the real mollie-api-python client over its HTTP interface.

    A test that asks for a transactional database (``django_db(transaction=True)``) or the
    live server (browser tests) gets it on pytest-django's live server: real sockets and threads, for concurrency, timeouts and
    the real Celery worker. Every other test gets it in-process: each HTTP request (the
    client's calls, the sandbox's webhooks, the test's own requests) is handed to Django's
    test client on the same thread and database connection, inside the test's transaction,
    with ``on_commit`` work run when the outermost transaction of the code under test ends
    (as a commit would run it). The ``url`` of what this yields is the base URL either way.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (  # (a browser test has one already)
        marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if transactional:
        server = request.getfixturevalue("live_server")
        base = server.url
    else:
        request.getfixturevalue("db")
        monkeypatch = request.getfixturevalue("monkeypatch")
        _serve_in_process(monkeypatch)
        server = InProcessServer(f"http://{IN_PROCESS_HOST}")
        base = server.url
    settings.MOLLIE_API_ENDPOINT = base + "/sandbox/mollie"
    settings.SITE_URL = base
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_RETRY_DELAYS = (0.05, 0.1)
    settings.MOLLIE_TIMEOUT = (2, 3)
    if not transactional:
        yield server
        return
    # The live server answers each request in a new thread: without this each of them
    # would keep its own database connection open for a minute.
    from django.db import connection

    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield server
    connection.settings_dict["CONN_MAX_AGE"] = previous


class InProcessServer:
    def __init__(self, url: str) -> None:
        self.url = url


def _serve_in_process(monkeypatch) -> None:
    """Route every ``requests`` call to ``http://testserver`` into Django's test client,
    and run ``on_commit`` callbacks when the code under test leaves its outermost atomic
    block (the test's own transaction never commits)."""
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper
    from requests.adapters import HTTPAdapter

    original_send = HTTPAdapter.send
    # One test client for the whole test: a new one would load the middleware stack again for
    # every call (about 17 ms of CPU each); its cookies are emptied before every call.
    client = DjangoClient(raise_request_exception=False)

    def send(adapter, prepared, *args, **kwargs):
        url = urlsplit(prepared.url)
        if url.hostname != IN_PROCESS_HOST:
            return original_send(adapter, prepared, *args, **kwargs)
        return _handle(prepared, url, client)

    monkeypatch.setattr(HTTPAdapter, "send", send)

    original_exit = transaction.Atomic.__exit__
    original_on_commit = BaseDatabaseWrapper.on_commit

    def exit_(atomic, exc_type, exc_value, traceback):
        result = original_exit(atomic, exc_type, exc_value, traceback)
        _run_committed(transaction.get_connection(atomic.using))
        return result

    def on_commit(connection, func, robust=False):
        original_on_commit(connection, func, robust)
        _run_committed(connection)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)


def _run_committed(connection) -> None:
    """Run the callbacks waiting for a commit once only the test's own atomic blocks are
    open (callbacks of a rolled-back block were discarded by Django already)."""
    while connection.run_on_commit and all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    ):
        _, func, robust = connection.run_on_commit.pop(0)
        if not robust:
            func()
            continue
        try:
            func()
        except Exception:
            logger.exception("on_commit callback %s failed", func)


def _handle(prepared, url, client: DjangoClient) -> requests.Response:
    headers = {
        name: value
        for name, value in prepared.headers.items()
        if name.lower() not in ("content-length", "content-type", "host", "cookie")
    }
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    client.cookies = SimpleCookie()  # as a new client: only the cookies this call sends
    cookie = prepared.headers.get("Cookie")
    if cookie:
        client.cookies.load(cookie)
    # The nested request's LocaleMiddleware activates its own language on this thread:
    # the request being served (e.g. an English customer's) keeps its own.
    with translation.override(translation.get_language()):
        answer = client.generic(
            prepared.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body,
            content_type=prepared.headers.get("Content-Type", ""),
            headers=headers,
        )
    response = requests.Response()
    response.status_code = answer.status_code
    response.headers = CaseInsensitiveDict(dict(answer.items()))
    response._content = b"".join(answer) if answer.streaming else answer.content
    response.url = prepared.url
    response.request = prepared
    response.encoding = "utf-8"
    response.reason = answer.reason_phrase
    return response


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
