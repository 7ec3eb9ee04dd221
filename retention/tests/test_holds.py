"""Legal holds stop every disposal for that customer until they are released."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from retention import services
from retention.models import LegalHold
from retention.tests.conftest import ams

User = get_user_model()
CLOSED = ams(2026, 1, 10, 14, 0)
LATE = ams(2026, 6, 1, 12, 0)


@pytest.mark.django_db
def test_a_held_customer_keeps_everything_until_the_hold_is_released(rich_customer):
    held = rich_customer("jansen", closed_at=CLOSED)
    other = rich_customer("pietersen", closed_at=CLOSED)
    call_command("retention", "hold", "add", "--user", "jansen", "--reason", "Aangifte fraude, politie Eindhoven")
    hold = LegalHold.objects.get()
    assert hold.subject_id == held.pk and hold.is_active

    with time_machine.travel(LATE, tick=False):
        result = services.enforce()
    assert User.objects.filter(pk=held.pk).exists()
    assert AccessAttempt.objects.filter(username="jansen").exists()  # its 30 days are long over
    assert not User.objects.filter(pk=other.pk).exists()
    assert not AccessAttempt.objects.filter(username="pietersen").exists()
    account = next(p for p in result.policies if p.policy == "account")
    assert account.held == 1 and account.disposed == 1

    call_command("retention", "hold", "release", str(hold.pk))
    with time_machine.travel(LATE + timedelta(days=1), tick=False):
        services.enforce()
    assert not User.objects.filter(pk=held.pk).exists()
    assert not AccessAttempt.objects.filter(username="jansen").exists()
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.user is None and hold.subject_id == held.pk


@pytest.mark.django_db
def test_adding_and_releasing_a_hold_is_audited(rich_customer):
    user = rich_customer("jansen")
    call_command("retention", "hold", "add", "--user", str(user.pk), "--reason", "Vordering curator")
    hold = LegalHold.objects.get()
    call_command("retention", "hold", "release", str(hold.pk))
    actions = list(
        AuditEvent.objects.filter(subject_id=user.pk, action__startswith="retention.hold")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["retention.hold_added", "retention.hold_released"]


@pytest.mark.django_db
def test_hold_list_shows_active_holds(rich_customer, capsys):
    rich_customer("jansen")
    call_command("retention", "hold", "add", "--user", "jansen", "--reason", "Onderzoek")
    call_command("retention", "hold", "list")
    out = capsys.readouterr().out
    assert "jansen" in out and "Onderzoek" in out and "active" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["hold", "add", "--user", "nobody", "--reason", "x"], "no user 'nobody'"),
        (["hold", "add", "--user", "jansen", "--reason", "   "], "needs a reason"),
        (["hold", "release", "99999"], "no legal hold #99999"),
        (["hold", "release", "abc"], "must be a number"),
        (["explain", "424242"], "no user"),
        (["enforce", "--policy", "everything"], "unknown policy"),
    ],
)
def test_bad_arguments_exit_2_and_change_nothing(rich_customer, argv, message):
    rich_customer("jansen")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("retention", *argv)
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert LegalHold.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_releasing_twice_is_refused(rich_customer):
    rich_customer("jansen")
    call_command("retention", "hold", "add", "--user", "jansen", "--reason", "Onderzoek")
    hold = LegalHold.objects.get()
    call_command("retention", "hold", "release", str(hold.pk))
    with pytest.raises(CommandError) as error:
        call_command("retention", "hold", "release", str(hold.pk))
    assert error.value.returncode == 2 and "already released" in str(error.value)


@pytest.mark.django_db
def test_a_missing_subcommand_argument_exits_2_from_the_command_line(rich_customer, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "retention", "hold", "add", "--user", "jansen"]).execute()
    assert exit_.value.code == 2
    assert "--reason" in capsys.readouterr().err
    assert LegalHold.objects.count() == 0
