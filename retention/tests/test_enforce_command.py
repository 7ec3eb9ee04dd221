"""`retention enforce --dry-run` reports exactly what `enforce` then does, and changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from retention.models import RetentionRun
from retention.tests.conftest import ams

User = get_user_model()
CLOSED = ams(2026, 1, 10, 14, 0)
LATE = ams(2026, 6, 1, 12, 0)


def table_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_dry_run_reports_exactly_what_enforce_then_does(rich_customer, capsys):
    for n in range(5):
        rich_customer(f"weg{n}", closed_at=CLOSED + timedelta(days=n))
    rich_customer("blijft", closed_at=LATE - timedelta(days=10))
    rich_customer("actief", at=CLOSED)
    with time_machine.travel(LATE, tick=False):
        before = table_counts()
        call_command("retention", "enforce", "--dry-run", "--json", "--batch-size", "2")
        dry = json.loads(capsys.readouterr().out)
        assert table_counts() == before
        assert RetentionRun.objects.count() == 0
        call_command("retention", "enforce", "--json", "--batch-size", "2")
        real = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and real["dry_run"] is False
    strip = lambda run: [{k: v for k, v in p.items()} for p in run["policies"]]  # noqa: E731
    assert strip(dry) == strip(real)
    assert dry["total"] == real["total"] > 0
    account = next(p for p in real["policies"] if p["policy"] == "account")
    assert account["disposed"] == 5 and account["batches"] == 3
    assert set(User.objects.values_list("username", flat=True)) == {"blijft", "actief"}


@pytest.mark.django_db
def test_a_second_run_removes_nothing(rich_customer):
    rich_customer("weg", closed_at=CLOSED)
    with time_machine.travel(LATE, tick=False):
        call_command("retention", "enforce")
        from retention import services

        again = services.enforce()
    assert again.total == 0


@pytest.mark.django_db
def test_report_shows_due_now_due_soon_and_held(rich_customer, capsys):
    rich_customer("weg", closed_at=CLOSED)
    rich_customer("straks", closed_at=CLOSED + timedelta(days=20))
    rich_customer("vast", closed_at=CLOSED)
    call_command("retention", "hold", "add", "--user", "vast", "--reason", "Onderzoek")
    capsys.readouterr()
    with time_machine.travel(ams(2026, 4, 12, 12, 0), tick=False):
        call_command("retention", "report", "--json")
    report = json.loads(capsys.readouterr().out)
    account = next(p for p in report["policies"] if p["policy"] == "account")
    assert (account["due_now"], account["due_next_30_days"], account["held"]) == (1, 1, 1)
