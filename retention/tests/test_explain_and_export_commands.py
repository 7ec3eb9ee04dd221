"""`retention explain USER` and `retention export USER --output FILE`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from retention.tests.billing import billing_history
from retention.tests.conftest import ams


@pytest.mark.django_db
def test_explain_lists_every_category_with_the_date_it_goes(rich_customer, capsys):
    user = rich_customer("jansen", closed_at=ams(2026, 1, 10, 14, 0))
    billing_history(user, ended_at=ams(2026, 1, 10, 14, 0))
    call_command("retention", "explain", "JANSEN", "--json")
    items = {i["category"]: i for i in json.loads(capsys.readouterr().out)}
    assert items["account"]["removal_at"].startswith("2026-04-11T00:00:00")
    assert items["profile"]["removal_at"].startswith("2026-04-11T00:00:00")
    assert items["billing"]["removal_at"].startswith("2033-01-11T00:00:00")
    assert items["billing"]["legal_basis"] == "legal_obligation"
    call_command("retention", "explain", str(user.pk))
    assert "goes: 2026-04-11 00:00" in capsys.readouterr().out


@pytest.mark.django_db
def test_explain_shows_a_legal_hold(rich_customer, capsys):
    rich_customer("jansen")
    call_command("retention", "hold", "add", "--user", "jansen", "--reason", "Onderzoek")
    capsys.readouterr()
    call_command("retention", "explain", "jansen")
    assert "UNDER LEGAL HOLD" in capsys.readouterr().out


@pytest.mark.django_db
def test_export_writes_every_category_of_the_customer(rich_customer, tmp_path):
    user = rich_customer("jansen")
    billing_history(user, ended_at=None)
    target = tmp_path / "jansen.json"
    call_command("retention", "export", "jansen", "--output", str(target))
    data = json.loads(target.read_text())
    assert data["user"] == "jansen"
    assert data["categories"]["profile"]["street"] == "Lindelaan 12"
    assert data["categories"]["billing"]["invoices"][0]["billing_snapshot"]["street"] == "Lindelaan 12"
    assert data["categories"]["login_attempts"][0]["ip_address"] == "203.0.113.7"
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(subject_id=user.pk, action="retention.export_requested").count() == 1


@pytest.mark.django_db
def test_export_to_a_missing_directory_exits_2_and_writes_nothing(rich_customer, tmp_path):
    rich_customer("jansen")
    with pytest.raises(CommandError) as error:
        call_command("retention", "export", "jansen", "--output", str(tmp_path / "nope" / "x.json"))
    assert error.value.returncode == 2
    assert not (tmp_path / "nope").exists()
