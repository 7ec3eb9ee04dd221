"""manage.py marketing send --subject TEXT --body-file FILE [--dry-run]."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from audit.events import Action
from audit.models import AuditEvent
from consent.models import Mailing


def run(*args: str) -> str:
    out = StringIO()
    call_command("marketing", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def body(tmp_path):
    path = tmp_path / "body.txt"
    path.write_text("Beste klant,\n\nOnze nieuwe koppeling is er.\n", encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_a_dry_run_prints_how_many_customers_it_goes_to_and_sends_nothing(make_user, body):
    make_user("klant1")
    make_user("klant2")
    make_user("medewerker", staff=True)
    out = run("send", "--subject", "Nieuw", "--body-file", body, "--dry-run")
    assert "would go to 2 customers" in out
    assert not Mailing.objects.exists() and mail.outbox == []
    get_user_model().objects.filter(username="klant2").update(is_active=False)
    assert "would go to 1 customer;" in run("send", "--subject", "Nieuw", "--body-file", body, "--dry-run")


@pytest.mark.django_db(transaction=True)
def test_send_prints_the_count_and_the_worker_sends_one_mail_each(make_user, body, tmp_path):
    make_user("klant1")
    make_user("klant2")
    english = tmp_path / "en.txt"
    english.write_text("Dear customer,\n\nOur new connector is here.\n", encoding="utf-8")
    out = run("send", "--subject", "Nieuw", "--body-file", body, "--subject-en", "New", "--body-file-en", str(english))
    mailing = Mailing.objects.get()
    assert f"mailing #{mailing.pk} goes to 2 customers" in out
    assert sorted(m.to[0] for m in mail.outbox) == ["klant1@example.com", "klant2@example.com"]  # eager here
    assert mailing.subject_en == "New" and "Our new connector" in mailing.body_en
    started = AuditEvent.objects.get(action=Action.MARKETING_MAILING_STARTED)
    assert started.actor_label == "system (manage.py marketing)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subject", ""], "without a subject"),
        (["--subject", "   "], "without a subject"),
        (["--subject", "x" * 201], "too long"),
        (["--subject", "Nieuw", "--subject-en", "New"], "both a subject and a text"),
    ],
)
def test_bad_texts_are_refused_with_exit_status_2_and_nothing_sent(make_user, body, args, message):
    make_user("klant1")
    with pytest.raises(CommandError, match=message) as error:
        run("send", *args, "--body-file", body)
    assert error.value.returncode == 2
    assert not Mailing.objects.exists() and mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"  \n\n ", b"\x00\x00", b"\xff\xfe\x00garbage"])
def test_an_empty_or_unreadable_body_file_is_refused(tmp_path, content):
    path = tmp_path / "body.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run("send", "--subject", "Nieuw", "--body-file", str(path))
    assert error.value.returncode == 2
    assert not Mailing.objects.exists()


@pytest.mark.django_db
def test_a_missing_body_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read") as error:
        run("send", "--subject", "Nieuw", "--body-file", str(tmp_path / "er-is-niets.txt"))
    assert error.value.returncode == 2
