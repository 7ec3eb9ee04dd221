"""record(): what an event holds, how it is chained, what it refuses."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accounts import services as account_services
from accounts.models import Profile
from audit import chain as hashing
from audit import services
from audit.events import Action, ActorKind
from audit.models import AuditEvent
from audit.services import record
from core import request_context


@pytest.fixture
def request_from_browser():
    token = request_context.bind(
        request_context.RequestContext(request_id="req-12345678", ip="2001:DB8::1", user_agent="Firefox/140")
    )
    yield
    request_context.unbind(token)


@pytest.mark.django_db
def test_an_event_holds_actor_customer_target_changes_and_request(customer, request_from_browser):
    with time_machine.travel(datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), tick=False):
        event = record(
            Action.PROFILE_CHANGED,
            actor=customer,
            subject=customer,
            target=customer,
            changes={"city": ["Eindhoven", "Tilburg"]},
        )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.occurred_at == datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    assert (event.actor_kind, event.actor_id, event.actor_label) == (ActorKind.CUSTOMER, customer.pk, "jansen")
    assert (event.subject_id, event.chain, event.seq) == (customer.pk, customer.pk, 1)
    assert (event.target_type, event.target_id) == ("accounts.user", str(customer.pk))
    assert event.changes == {"city": ["Eindhoven", "Tilburg"]}
    assert (event.ip, event.user_agent, event.request_id) == ("2001:db8::1", "Firefox/140", "req-12345678")


@pytest.mark.django_db
def test_staff_system_and_anonymous_actors(make_user):
    staff = make_user("beheerder", staff=True)
    assert record(Action.ADMIN_VIEWED, actor=staff, subject_id=5).actor_kind == ActorKind.STAFF
    webhook = record(Action.PAYMENT_PAID, system="Mollie", subject_id=5)
    assert (webhook.actor_kind, webhook.actor_label) == (ActorKind.SYSTEM, "system (Mollie)")
    assert record(Action.AUTH_LOGIN_FAILED).actor_kind == ActorKind.ANONYMOUS


@pytest.mark.django_db
def test_each_customer_has_its_own_numbered_chain_linked_by_digests():
    first = record(Action.AUTH_LOGIN, subject_id=7)
    other = record(Action.AUTH_LOGIN, subject_id=8)
    second = record(Action.AUTH_LOGOUT, subject_id=7)
    nobody = record(Action.AUTH_LOGIN_FAILED)
    assert [(e.chain, e.seq) for e in (first, other, second, nobody)] == [(7, 1), (8, 1), (7, 2), (0, 1)]
    assert first.chain_value == hashlib.sha256(bytes(32) + bytes.fromhex(first.digest)).hexdigest()
    assert (
        second.chain_value
        == hashlib.sha256(bytes.fromhex(first.chain_value) + bytes.fromhex(second.digest)).hexdigest()
    )
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.digest == hashing.event_digest(
        chain=7,
        seq=2,
        occurred_us=hashing.microseconds(stored.occurred_at),
        actor_kind=stored.actor_kind,
        actor_id=None,
        subject_id=7,
        action="auth.logout",
        target_type="",
        target_id="",
        request_id="",
        fields_json="[]",
        personal_digest=stored.personal_digest,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ip", ["::ffff:198.51.100.3", "2001:db8:0:0:1:0:0:1", "::1.2.3.4", "fe80::1", "10.0.0.1"])
def test_awkward_values_are_hashed_exactly_as_postgresql_streams_them(ip):
    """The canonical encoding is PostgreSQL's COPY text format: tabs, newlines, backslashes,
    other control characters, non-ASCII text and odd IP spellings must all survive."""
    from audit.verification import verify

    agent = "Odd\tAgent\\ with\ttab\nand\r\x0b\x08\x0c\x01 bytes Zoë 🚀"
    token = request_context.bind(request_context.RequestContext(request_id="tab\there", ip=ip, user_agent=agent))
    try:
        record(
            Action.SETTINGS_CHANGED,
            subject_id=9,
            target_type="a\\b",
            target_id="x\ny",
            changes={"note": ["a\tb", 'c\\d\ne "quoted"'], "naam\t": "Zoë 🚀", "leeg": None, "n": 12},
        )
    finally:
        request_context.unbind(token)
    report = verify()
    assert report.ok, report.problem
    assert AuditEvent.objects.get().user_agent == agent


@pytest.mark.django_db
def test_unknown_event_type_cannot_be_recorded():
    with pytest.raises(ValueError):
        record("account.hacked", subject_id=1)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_secrets_in_changes_are_masked_at_any_depth_but_ordinary_fields_stay():
    event = record(
        Action.SETTINGS_CHANGED,
        subject_id=3,
        changes={
            "password": ["old-pass", "new-pass"],
            "exact": [{"api_key": "k-123", "division": 1}, {"api_key": "k-456", "division": 2}],
            "webhook_secret": [None, "s3cr3t"],
            "mollie": [None, "live_abcdefghijklmnopqrstuvwxyz12"],
            "postal_code": ["5611AA", "5612QX"],
            "kvk_number": [None, "12345678"],
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk).changes
    assert stored["password"] == "changed"
    assert stored["exact"] == [{"api_key": "changed", "division": 1}, {"api_key": "changed", "division": 2}]
    assert stored["webhook_secret"] == "changed"
    assert stored["mollie"] == [None, "changed"]
    assert stored["postal_code"] == ["5611AA", "5612QX"]
    assert stored["kvk_number"] == [None, "12345678"]
    assert "new-pass" not in str(stored) and "s3cr3t" not in str(stored) and "k-123" not in str(stored)


@pytest.mark.django_db
def test_values_a_json_column_cannot_hold_are_stored_as_text_and_still_verify():
    from decimal import Decimal

    from audit.verification import verify

    record(
        Action.PAYMENT_PAID,
        subject_id=4,
        changes={"amount": [None, Decimal("12.10")], "at": [None, datetime(2026, 1, 1, tzinfo=UTC)]},
    )
    assert AuditEvent.objects.get().changes == {"amount": [None, "12.10"], "at": [None, "2026-01-01T00:00:00+00:00"]}
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_failing_audit_write_rolls_back_the_change_it_belongs_to(customer, monkeypatch):
    account_services.profile_update(user=customer, by=customer, data={"city": "Eindhoven"})
    # A writer that read a stale head: the INSERT collides with the existing (chain, seq).
    monkeypatch.setattr(services, "_lock_chain_and_read_head", lambda chain: (0, None))
    with pytest.raises(IntegrityError):
        account_services.profile_update(user=customer, by=customer, data={"city": "Tilburg"})
    assert Profile.objects.get(user=customer).city == "Eindhoven"
    assert AuditEvent.objects.filter(action="profile.changed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_caller_cannot_swallow_an_audit_failure_and_commit_the_change_anyway(customer, monkeypatch):
    profile = account_services.profile_for(customer)
    record(Action.AUTH_LOGIN, subject=customer)
    monkeypatch.setattr(services, "_lock_chain_and_read_head", lambda chain: (0, None))
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(city="Tilburg")
        try:
            record(Action.PROFILE_CHANGED, subject=customer, changes={"city": [None, "Tilburg"]})
        except IntegrityError:
            pass  # the mistake under test: carrying on as if nothing happened
    assert Profile.objects.get(pk=profile.pk).city == ""


def test_the_list_of_actions_lives_in_code_so_a_new_action_needs_no_migration():
    """record() is the gate (ValueError above); the column itself takes any action name, so
    adding one to audit.events.Action changes no model state (makemigrations stays clean)."""
    field = AuditEvent._meta.get_field("action")
    assert not field.choices
    assert "choices" not in field.deconstruct()[3]
    assert AuditEvent(action="auth.login").get_action_display() == "Ingelogd"
    assert AuditEvent(action="gone.from_the_list").get_action_display() == "gone.from_the_list"
