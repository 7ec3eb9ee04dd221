"""Publishing: drafts are not public (staff preview them), publishing freezes a version with
its effective date, the version in force changes on that date, and the audit trail has it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from http import HTTPStatus

import pytest
import time_machine

from audit.models import AuditEvent
from consent.models import StatementVersion
from consent.statement import selectors as statement
from consent.statement import services as statement_services
from consent.tests.statement_helpers import (  # noqa: F401  (fixtures)
    AMSTERDAM,
    make_draft,
    seed,
    staff,
    staff_client,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_draft_is_not_public_but_staff_can_preview_it(client, customer, staff_client, seed, at_now):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 7, 1), marker="concepttekst")
    url = f"/privacy/{draft.number}/"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(customer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert "concepttekst" not in client.get("/privacy/").content.decode()
    assert f"Versie {draft.number}" not in client.get("/privacy/versies/").content.decode()

    preview = staff_client.get(url)
    assert preview.status_code == HTTPStatus.OK
    page = preview.content.decode()
    assert "concepttekst" in page and "Voorbeeld van concept" in page
    assert preview["X-Robots-Tag"] == "noindex"


def test_publishing_today_puts_the_version_in_force_with_its_date(client, seed, staff, at_now):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 6, 10), marker="nieuwe tekst")
    statement_services.publish_version(version=draft, by=staff)

    draft.refresh_from_db()
    assert draft.is_published and draft.published_at == NOW
    assert draft.data_snapshot["nl"]["categories"] and draft.data_snapshot["en"]["categories"]
    page = client.get("/privacy/").content.decode()
    assert "nieuwe tekst" in page and "10 juni 2026" in page
    assert statement.current_version_label() == f"{draft.number} (10 juni 2026)"
    event = AuditEvent.objects.get(action="consent.statement_published")
    assert event.actor_id == staff.pk and event.changes["effective_date"] == "2026-06-10"


def test_a_version_with_a_later_date_is_announced_but_in_force_only_from_that_date(client, seed, staff, at_now):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 7, 1), marker="julitekst")
    statement_services.publish_version(version=draft, by=staff)

    assert "julitekst" not in client.get("/privacy/").content.decode()
    upcoming = client.get(f"/privacy/{draft.number}/").content.decode()
    assert "julitekst" in upcoming and "Deze versie gaat in op 1 juli 2026" in upcoming
    assert statement.current_version_label() == "1 (1 januari 2018)"

    at_now.move_to(datetime(2026, 6, 30, 23, 59, tzinfo=AMSTERDAM))
    assert "julitekst" not in client.get("/privacy/").content.decode()
    at_now.move_to(datetime(2026, 7, 1, 0, 0, 1, tzinfo=AMSTERDAM))
    page = client.get("/privacy/").content.decode()
    assert "julitekst" in page and "1 juli 2026" in page
    assert statement.current_version_label() == f"{draft.number} (1 juli 2026)"


def test_an_effective_date_in_the_past_is_refused_and_nothing_changes(seed, staff, at_now):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 6, 9))
    with pytest.raises(statement_services.StatementError, match="verleden"):
        statement_services.publish_version(version=draft, by=staff)
    draft.refresh_from_db()
    assert draft.status == StatementVersion.Status.DRAFT
    assert not AuditEvent.objects.filter(action="consent.statement_published").exists()


def test_an_effective_date_before_the_newest_published_version_is_refused(seed, staff, at_now):  # noqa: F811
    later = make_draft(effective_date=date(2026, 8, 1))
    statement_services.publish_version(version=later, by=staff)
    earlier = make_draft(effective_date=date(2026, 7, 1))
    with pytest.raises(statement_services.StatementError, match="op of na die van versie"):
        statement_services.publish_version(version=earlier, by=staff)
    assert StatementVersion.objects.get(pk=earlier.pk).status == StatementVersion.Status.DRAFT


def test_the_cookie_revision_changes_only_when_the_cookie_sections_change(seed, staff, at_now):  # noqa: F811
    before = statement.cookie_revision()
    same_cookies = make_draft(
        effective_date=date(2026, 6, 10),
        marker="andere inleiding",
        **{
            f"{stem}_{lang}": getattr(seed, f"{stem}_{lang}")
            for stem in ("cookies", "analytics")
            for lang in ("nl", "en")
        },
    )
    statement_services.publish_version(version=same_cookies, by=staff)
    assert statement.current_version_label().startswith(f"{same_cookies.number} ")
    assert statement.cookie_revision() == before

    at_now.move_to(NOW + timedelta(days=1))
    new_cookies = make_draft(effective_date=date(2026, 6, 11), marker="nieuwe cookies")
    statement_services.publish_version(version=new_cookies, by=staff)
    assert statement.cookie_revision() != before


def test_staff_publish_a_draft_from_the_admin(staff_client, seed, at_now, django_capture_on_commit_callbacks):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 6, 20))
    # First a page that names the version and how many customers get the mail; nothing yet.
    confirm = staff_client.post(
        "/admin/consent/statementversion/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    page = confirm.content.decode()
    expected = statement_services.customers_to_announce(draft).count()
    assert confirm.status_code == HTTPStatus.OK
    assert f"Versie {draft.number}, gaat in op 20 juni 2026" in page
    noun = "klant" if expected == 1 else "klanten"
    assert f"De aankondiging gaat per e-mail naar {expected} {noun}:" in page
    assert not StatementVersion.objects.get(pk=draft.pk).is_published
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/consent/statementversion/",
            {"action": "publish", "_selected_action": [draft.pk], "confirm": "yes"},
            follow=True,
        )
    assert response.status_code == HTTPStatus.OK
    assert "is gepubliceerd" in response.content.decode()
    assert StatementVersion.objects.get(pk=draft.pk).is_published


def test_the_publish_confirmation_counts_the_customers_who_get_the_mail(staff_client, seed, at_now, make_user):  # noqa: F811
    draft = make_draft(effective_date=date(2026, 6, 20))
    make_user("klant1")

    def page() -> str:
        return staff_client.post(
            "/admin/consent/statementversion/", {"action": "publish", "_selected_action": [draft.pk]}
        ).content.decode()

    assert "naar 1 klant:" in page()
    make_user("klant2")
    make_user("medewerker2", staff=True)  # staff get no announcement
    assert "naar 2 klanten:" in page()


def test_a_new_draft_in_the_admin_starts_as_a_copy_of_the_newest_version(staff_client, seed, at_now):  # noqa: F811
    page = staff_client.get("/admin/consent/statementversion/add/").content.decode()
    assert "Wij laten Google de IP-adressen niet anonimiseren." in page
    response = staff_client.post(
        "/admin/consent/statementversion/add/",
        {
            "effective_date": "2026-07-01",
            "summary_nl": "",
            "summary_en": "",
            **{
                f"{stem}_{lang}": f"{stem} {lang}"
                for stem, _heading in StatementVersion.SECTIONS
                for lang in ("nl", "en")
            },
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    draft = StatementVersion.objects.get(number=2)
    assert draft.status == StatementVersion.Status.DRAFT and draft.effective_date == date(2026, 7, 1)
