"""The database itself refuses to change or remove audit events; only the redaction path may
blank the personal fields, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from audit.events import Action
from audit.models import AuditEvent
from audit.services import record, redact_customers, redact_personal_fields
from audit.verification import verify
from core import request_context


def _with_request(ip: str, agent: str):
    return request_context.bind(request_context.RequestContext(request_id="r-123456789", ip=ip, user_agent=agent))


@pytest.fixture
def event(db):
    token = _with_request("198.51.100.7", "Firefox/140")
    try:
        return record(Action.PROFILE_CHANGED, subject_id=11, changes={"full_name": ["Jan Jansen", "Jan de Vries"]})
    finally:
        request_context.unbind(token)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"action": "auth.login"},
        {"ip": "203.0.113.1"},
        {"changes": {}},
        {"occurred_at": datetime(2020, 1, 1, tzinfo=UTC)},
    ],
)
def test_update_is_refused_by_the_database(event, change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(**change)
    assert AuditEvent.objects.get(pk=event.pk).ip == "198.51.100.7"


@pytest.mark.django_db
def test_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'auth.login', redacted_at = now(), ip = NULL, user_agent = '', actor_label = '', salt = ''",
        "UPDATE audit_auditevent SET ip = '203.0.113.1', redacted_at = now()",
        """UPDATE audit_auditevent SET redacted_at = now(), ip = NULL, user_agent = '', actor_label = '', salt = '', changes = '{"full_name":"Piet"}'""",
        "UPDATE audit_auditevent SET redacted_at = now(), ip = NULL, user_agent = '', actor_label = '', salt = '', changes = '{}', fields = '[]'",
        "UPDATE audit_auditevent SET ip = NULL, user_agent = '', actor_label = '', salt = '', changes = '{}'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_redaction_switch_allows_only_blanking(event, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.redaction = 'on'")
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "profile.changed"


@pytest.mark.django_db
def test_redaction_blanks_personal_fields_keeps_the_evidence_and_verify_still_passes(event):
    other = record(Action.AUTH_LOGIN, subject_id=12, changes={"login": [None, "piet"]})
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        assert redact_personal_fields(subject_id=11) == 1
    redacted = AuditEvent.objects.get(pk=event.pk)
    assert (redacted.ip, redacted.user_agent, redacted.actor_label, redacted.salt) == (None, "", "", "")
    assert redacted.changes == {} and redacted.fields == '["full_name"]'
    assert redacted.redacted_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert (redacted.action, redacted.digest, redacted.chain_value) == (
        "profile.changed",
        event.digest,
        event.chain_value,
    )
    assert AuditEvent.objects.get(pk=other.pk).changes == {"login": [None, "piet"]}
    report = verify()
    assert report.ok, report.problem
    assert (report.events, report.redacted) == (2, 1)
    assert redact_personal_fields(subject_id=11) == 0  # already done


@pytest.mark.django_db
def test_redaction_of_events_about_no_customer_only_up_to_the_given_time():
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        old = record(Action.AUTH_LOGIN_FAILED)
    with time_machine.travel(datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        new = record(Action.AUTH_LOGIN_FAILED)
    assert redact_personal_fields(subject_id=None, before=datetime(2026, 3, 1, tzinfo=UTC)) == 1
    assert AuditEvent.objects.get(pk=old.pk).redacted_at is not None
    assert AuditEvent.objects.get(pk=new.pk).redacted_at is None
    assert verify().ok


@pytest.mark.django_db
def test_the_redaction_switch_is_off_again_after_the_redaction(event):
    with transaction.atomic():
        redact_personal_fields(subject_id=11)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action="auth.login")


@pytest.mark.django_db
def test_an_erasure_batch_redacts_the_events_of_exactly_those_customers_in_one_call(event):
    record(Action.AUTH_LOGIN, subject_id=12, changes={"login": [None, "piet"]})
    kept = record(Action.AUTH_LOGIN, subject_id=13, changes={"login": [None, "jan"]})
    anonymous = record(Action.AUTH_LOGIN_FAILED, changes={"login": [None, "onbekend"]})
    assert redact_customers([11, 12]) == 2
    assert redact_customers([]) == 0
    assert AuditEvent.objects.get(pk=kept.pk).changes == {"login": [None, "jan"]}
    assert AuditEvent.objects.get(pk=anonymous.pk).redacted_at is None
    assert AuditEvent.objects.filter(chain__in=[11, 12], redacted_at__isnull=False).count() == 2
    report = verify()
    assert report.ok, report.problem
    assert report.redacted == 2
