"""Token refresh is serialised per connection: many requests needing a fresh token make one
refresh call at Exact, and none of them loses the connection. A refresh token Exact no
longer accepts marks the connection "opnieuw verbinden nodig" and mails the customer once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import Profile
from audit.models import AuditEvent
from exact_sandbox import engine
from koppeling import services
from koppeling.models import Connection
from koppeling.tests.conftest import connect

pytestmark = pytest.mark.usefixtures("exact_sandbox")


def _expire_access_token(connection: Connection) -> None:
    """The access token about to expire, here and at Exact (which refuses a refresh earlier)."""
    Connection.objects.filter(pk=connection.pk).update(access_expires_at=timezone.now() + timedelta(seconds=30))
    engine.access_tokens_near_expiry(seconds=30)


def test_sixteen_concurrent_requests_make_exactly_one_refresh_call(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    _expire_access_token(connection)
    assert engine.refresh_count() == 0
    tokens: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        try:
            barrier.wait()
            tokens.append(services.connection_access_token(connection_id=connection.pk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert engine.refresh_count() == 1
    assert len(tokens) == 16 and len(set(tokens)) == 1
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED
    assert connection.access_token() == tokens[0]
    assert connection.access_expires_at > timezone.now() + timedelta(minutes=9)
    # The stored refresh token is the live one: the next refresh works.
    _expire_access_token(connection)
    assert services.connection_access_token(connection_id=connection.pk) != tokens[0]
    assert engine.refresh_count() == 2


def test_a_fresh_token_is_used_without_calling_exact(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    services.connection_access_token(connection_id=connection.pk)
    assert engine.refresh_count() == 0


def test_a_token_refused_by_exact_is_refreshed_once_and_the_call_repeated(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    from exact_sandbox.models import SandboxToken

    SandboxToken.objects.filter(kind="access").update(revoked_at=timezone.now())
    services.options_refresh(user=customer)
    assert engine.refresh_count() == 1
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED


def test_a_refresh_token_revoked_at_exact_asks_the_customer_to_reconnect_once(
    browser_client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    _expire_access_token(connection)
    engine.refresh_tokens_revoke()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.NeedsReconnect):
        services.connection_access_token(connection_id=connection.pk)
    connection.refresh_from_db()
    assert connection.state == Connection.State.NEEDS_RECONNECT
    assert connection.refresh_token_encrypted == "" and connection.access_token_encrypted == ""
    assert len(mailoutbox) == 1 and "opnieuw verbinden" in mailoutbox[0].subject
    assert mailoutbox[0].to == [customer.email]
    assert "sbx-" not in mailoutbox[0].body
    assert mailoutbox[0].body.startswith("Beste jansen,")  # no name in the profile: the username
    event = AuditEvent.objects.get(subject_id=customer.pk, action="koppeling.reconnect_needed")
    assert "sbx-" not in str(event.changes)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.NeedsReconnect):
        services.connection_access_token(connection_id=connection.pk)
    assert len(mailoutbox) == 1  # once

    page = browser_client.get("/portal/koppeling/").content.decode()
    assert "Opnieuw verbinden nodig" in page


def test_an_expired_refresh_token_also_asks_for_a_reconnect(
    browser_client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=customer, full_name="Anne D'Hondt & <Zn>")
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    _expire_access_token(connection)
    engine.refresh_tokens_expire()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.NeedsReconnect):
        services.connection_access_token(connection_id=connection.pk)
    assert Connection.objects.get(pk=connection.pk).state == Connection.State.NEEDS_RECONNECT
    (message,) = mailoutbox
    assert message.body.startswith("Beste Anne D'Hondt & <Zn>,")  # the profile's full name, as written
    assert "Beste Anne D&#x27;Hondt &amp; &lt;Zn&gt;," in message.alternatives[0][0]


def test_a_token_endpoint_outage_keeps_the_connection(browser_client, customer):
    from koppeling import exact

    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    _expire_access_token(connection)
    engine.fault_add("token_server_error")
    with pytest.raises(exact.ExactUnavailable):
        services.connection_access_token(connection_id=connection.pk)
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED and connection.has_tokens
    services.connection_access_token(connection_id=connection.pk)  # the next try works
    assert engine.refresh_count() == 1


def test_reconnecting_after_a_revoke_restores_the_connection(browser_client, customer):
    connect(browser_client)
    connection = Connection.objects.get(user=customer)
    _expire_access_token(connection)
    engine.refresh_tokens_revoke()
    with pytest.raises(services.NeedsReconnect):
        services.connection_access_token(connection_id=connection.pk)
    connect(browser_client)
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED and connection.reconnect_mailed_at is None
