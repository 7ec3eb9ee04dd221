"""`manage.py audit verify` finds every kind of tampering a database owner could do (triggers
switched off), and `audit checkpoint` pins the chains so that even a consistently recomputed,
shortened or removed chain is found."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from audit import chain as hashing
from audit.checkpoints import create_checkpoint
from audit.events import Action
from audit.models import AuditEvent
from audit.services import record
from audit.verification import verify
from core import request_context


@pytest.fixture
def trail(db):
    """Three events for customer 21, three for customer 22, two about no customer."""
    token = request_context.bind(
        request_context.RequestContext(request_id="r-abcdefgh", ip="198.51.100.4", user_agent="Firefox/140")
    )
    try:
        for subject_id in (21, 22):
            record(Action.AUTH_LOGIN, subject_id=subject_id)
            record(Action.PROFILE_CHANGED, subject_id=subject_id, changes={"city": ["Eindhoven", "Tilburg"]})
            record(Action.AUTH_LOGOUT, subject_id=subject_id)
        record(Action.AUTH_LOGIN_FAILED, changes={"login": [None, "(unknown account)"]})
        record(Action.AUTH_LOCKED_OUT)
    finally:
        request_context.unbind(token)
    return {(e.chain, e.seq): e for e in AuditEvent.objects.all()}


def run_verify(*args: str) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def rechain(as_database_owner, chain: int) -> None:
    """What a careful forger does after changing a chain: recompute every digest and link."""
    previous = None
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
        personal = hashing.personal_digest(
            salt=event.salt,
            actor_label=event.actor_label,
            ip=event.ip,
            user_agent=event.user_agent,
            changes_json=hashing.canonical_json(event.changes),
        )
        digest = hashing.event_digest(
            chain=chain,
            seq=event.seq,
            occurred_us=hashing.microseconds(event.occurred_at),
            actor_kind=event.actor_kind,
            actor_id=event.actor_id,
            subject_id=event.subject_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            request_id=event.request_id,
            fields_json=event.fields,
            personal_digest=personal,
        )
        previous = hashing.link(previous, digest)
        as_database_owner(
            "UPDATE audit_auditevent SET personal_digest = %s, digest = %s, chain_value = %s WHERE id = %s",
            [personal, digest, previous, event.pk],
        )


def test_an_intact_trail_passes_with_a_summary(trail):
    create_checkpoint()
    record(Action.AUTH_LOGIN, subject_id=21)  # growing after a checkpoint is normal
    code, out, _err = run_verify()
    assert code == 0
    assert "9 events in 3 chains, 0 redacted" in out
    code, out, _err = run_verify("--json")
    summary = json.loads(out)
    assert code == 0 and summary["ok"] is True
    assert (summary["events"], summary["chains"], summary["redacted"], summary["checkpoint_chains"]) == (9, 3, 0, 3)


def test_a_changed_event_is_named(trail, as_database_owner):
    target = trail[(21, 2)]
    as_database_owner("UPDATE audit_auditevent SET action = 'auth.login' WHERE id = %s", [target.pk])
    code, _out, err = run_verify()
    assert code == 1
    assert f"event {target.pk}" in err and "digest" in err


def test_a_changed_personal_field_is_found(trail, as_database_owner):
    target = trail[(22, 2)]
    as_database_owner(
        """UPDATE audit_auditevent SET changes = '{"city":["Eindhoven","Breda"]}' WHERE id = %s""", [target.pk]
    )
    report = verify()
    assert not report.ok and report.problem.event_id == target.pk and "personal" in report.problem.reason


def test_a_changed_time_is_found(trail, as_database_owner):
    target = trail[(0, 1)]
    as_database_owner(
        "UPDATE audit_auditevent SET occurred_at = occurred_at - interval '1 microsecond' WHERE id = %s", [target.pk]
    )
    assert verify().problem.event_id == target.pk


def test_a_removed_event_is_found(trail, as_database_owner):
    as_database_owner("DELETE FROM audit_auditevent WHERE id = %s", [trail[(21, 2)].pk])
    report = verify()
    assert not report.ok
    assert (report.problem.event_id, report.problem.chain) == (trail[(21, 3)].pk, 21)
    assert "missing" in report.problem.reason


def test_an_inserted_event_is_found_even_with_correct_hashes_of_its_own(trail, as_database_owner):
    as_database_owner("UPDATE audit_auditevent SET seq = seq + 100 WHERE chain = 21 AND seq >= 2")
    as_database_owner("UPDATE audit_auditevent SET seq = seq - 99 WHERE chain = 21 AND seq >= 100")
    first = trail[(21, 1)]
    personal = hashing.personal_digest(salt="00" * 16, actor_label="jansen", ip=None, user_agent="", changes_json="{}")
    digest = hashing.event_digest(
        chain=21,
        seq=2,
        occurred_us=hashing.microseconds(first.occurred_at),
        actor_kind="customer",
        actor_id=21,
        subject_id=21,
        action="account.closed",
        target_type="",
        target_id="",
        request_id="",
        fields_json="[]",
        personal_digest=personal,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                chain=21,
                seq=2,
                occurred_at=first.occurred_at,
                actor_kind="customer",
                actor_id=21,
                actor_label="jansen",
                subject_id=21,
                action="account.closed",
                salt="00" * 16,
                personal_digest=personal,
                digest=digest,
                chain_value=hashing.link(first.chain_value, digest),
            )
        ]
    )
    report = verify()
    assert not report.ok
    assert report.problem.event_id == trail[(21, 2)].pk  # the genuine event that no longer fits


def test_reordered_events_are_found(trail, as_database_owner):
    as_database_owner("UPDATE audit_auditevent SET seq = seq + 100 WHERE chain = 22 AND seq IN (2, 3)")
    as_database_owner(
        "UPDATE audit_auditevent SET seq = CASE seq WHEN 102 THEN 3 ELSE 2 END WHERE chain = 22 AND seq > 100"
    )
    report = verify()
    assert not report.ok and report.problem.chain == 22 and report.problem.seq == 2


def test_an_event_moved_to_another_customer_is_found(trail, as_database_owner):
    target = trail[(22, 3)]
    as_database_owner("UPDATE audit_auditevent SET subject_id = 21 WHERE id = %s", [target.pk])
    assert verify().problem.event_id == target.pk


def test_re_adding_personal_data_to_a_redacted_event_is_found(trail, as_database_owner):
    from audit.services import redact_personal_fields

    redact_personal_fields(subject_id=21)
    assert verify().ok
    as_database_owner("UPDATE audit_auditevent SET ip = '203.0.113.9' WHERE id = %s", [trail[(21, 1)].pk])
    assert verify().problem.event_id == trail[(21, 1)].pk


def test_a_consistently_rewritten_chain_passes_on_its_own_but_not_against_the_checkpoint(trail, as_database_owner):
    create_checkpoint()
    as_database_owner("UPDATE audit_auditevent SET action = 'auth.login' WHERE id = %s", [trail[(21, 2)].pk])
    rechain(as_database_owner, 21)
    assert verify().problem is not None
    code, _out, err = run_verify()
    assert code == 1
    assert "rewritten" in err and "chain 21" in err


def test_a_rewritten_chain_is_undetectable_without_a_checkpoint(trail, as_database_owner):
    """The reason checkpoints exist (and are signed and kept outside the database)."""
    as_database_owner("UPDATE audit_auditevent SET action = 'auth.login' WHERE id = %s", [trail[(21, 2)].pk])
    rechain(as_database_owner, 21)
    assert verify().ok


def test_a_chain_cut_short_after_the_checkpoint_is_found(trail, as_database_owner):
    create_checkpoint()
    as_database_owner("DELETE FROM audit_auditevent WHERE chain = 22 AND seq = 3")
    report = verify()
    assert not report.ok and report.problem.chain == 22 and "cut short" in report.problem.reason


def test_a_chain_dropped_whole_after_the_checkpoint_is_found(trail, as_database_owner):
    create_checkpoint()
    as_database_owner("DELETE FROM audit_auditevent WHERE chain = 0")
    code, out, _err = run_verify("--json")
    summary = json.loads(out)
    assert code == 1
    assert summary["problem"]["chain"] == 0 and "missing" in summary["problem"]["reason"]


def test_the_latest_checkpoint_counts(trail, as_database_owner):
    create_checkpoint()
    record(Action.AUTH_LOGIN, subject_id=22)
    create_checkpoint()
    as_database_owner("DELETE FROM audit_auditevent WHERE chain = 22 AND seq = 4")
    assert "cut short" in verify().problem.reason


def test_an_altered_checkpoint_file_is_refused(trail, checkpoint_dir):
    path = checkpoint_dir / create_checkpoint().path  # the storage name, under the directory
    document = json.loads(path.read_text())
    document["payload"]["chains"] = [c for c in document["payload"]["chains"] if c[0] != 22]
    path.write_text(json.dumps(document))
    report = verify()
    assert not report.ok and "signature" in report.problem.reason


def test_a_checkpoint_signed_with_another_key_is_refused(trail, settings):
    create_checkpoint()
    settings.AUDIT_SIGNING_KEY = "another-key"
    assert "signature" in verify().problem.reason


def test_checkpoint_command_and_beat_task_write_a_signed_file_and_log_it(trail, checkpoint_dir, caplog):
    from io import StringIO

    from audit.tasks import audit_checkpoint

    out = StringIO()
    with caplog.at_level("INFO", logger="audit.checkpoint"):
        call_command("audit", "checkpoint", stdout=out)
    assert "8 events in 3 chains" in out.getvalue()
    name = audit_checkpoint.delay().get()
    files = sorted(p.name for p in checkpoint_dir.rglob("checkpoint-*.json"))  # a folder per month
    assert len(files) == 2 and files[-1] == name
    document = json.loads(next(checkpoint_dir.rglob(name)).read_text())
    assert {tuple(c[:2]) for c in document["payload"]["chains"]} == {(0, 2), (21, 3), (22, 3)}
    assert document["signature"] and document["payload"]["root"] in caplog.text


@pytest.mark.django_db(transaction=True)
def test_split_over_several_connections_the_first_bad_event_is_still_named(as_database_owner):
    for subject_id in (31, 32, 33, 34):
        for _ in range(3):
            record(Action.AUTH_LOGIN, subject_id=subject_id)
    create_checkpoint()
    assert verify(workers=3).ok
    later = AuditEvent.objects.get(chain=34, seq=2)
    first = AuditEvent.objects.get(chain=32, seq=3)
    as_database_owner("UPDATE audit_auditevent SET action = 'auth.logout' WHERE id IN (%s, %s)", [later.pk, first.pk])
    as_database_owner("DELETE FROM audit_auditevent WHERE chain = 33")
    report = verify(workers=3)
    assert (report.problem.event_id, report.problem.chain) == (first.pk, 32)
    assert report.events < 12
