"""A published version never changes: not through the ORM, not through the service, not in
the admin. Drafts stay editable."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from consent.models import StatementVersion
from consent.statement import services as statement_services
from consent.tests.statement_helpers import make_draft, seed, staff, staff_client  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_a_published_version(seed):  # noqa: F811
    with pytest.raises(IntegrityError, match="published"), transaction.atomic():
        StatementVersion.objects.filter(pk=seed.pk).update(intro_nl="Stiekem gewijzigd")
    seed.intro_nl = "Stiekem gewijzigd"
    with pytest.raises(IntegrityError), transaction.atomic():
        seed.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVersion.objects.filter(pk=seed.pk).update(status=StatementVersion.Status.DRAFT)
    assert StatementVersion.objects.get(pk=seed.pk).intro_nl != "Stiekem gewijzigd"


def test_the_database_refuses_to_delete_a_published_version(seed):  # noqa: F811
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVersion.objects.filter(pk=seed.pk).delete()
    assert StatementVersion.objects.filter(pk=seed.pk).exists()


def test_publishing_twice_is_refused(seed, staff):  # noqa: F811
    with pytest.raises(statement_services.StatementError, match="al gepubliceerd"):
        statement_services.publish_version(version=seed, by=staff)


def test_a_draft_can_still_be_changed_and_deleted(seed):  # noqa: F811
    draft = make_draft(effective_date=timezone.localdate() + timedelta(days=5))
    StatementVersion.objects.filter(pk=draft.pk).update(intro_nl="Nog een concept")
    assert StatementVersion.objects.get(pk=draft.pk).intro_nl == "Nog een concept"
    draft.delete()
    assert not StatementVersion.objects.filter(pk=draft.pk).exists()


def test_the_admin_shows_a_published_version_read_only_and_refuses_a_change(staff_client, seed):  # noqa: F811
    url = f"/admin/consent/statementversion/{seed.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="intro_nl"' not in page.content.decode()  # no input: read-only
    response = staff_client.post(url, {"intro_nl": "Gewijzigd via de beheeromgeving", "effective_date": "2030-01-01"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    seed.refresh_from_db()
    assert seed.intro_nl != "Gewijzigd via de beheeromgeving" and seed.effective_date == date(2018, 1, 1)


def test_the_admin_refuses_to_delete_a_published_version(staff_client, seed):  # noqa: F811
    response = staff_client.post(f"/admin/consent/statementversion/{seed.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    staff_client.post(
        "/admin/consent/statementversion/",
        {"action": "delete_selected", "_selected_action": [seed.pk], "post": "yes"},
    )
    assert StatementVersion.objects.filter(pk=seed.pk).exists()


def test_the_admin_edits_a_draft(staff_client, seed):  # noqa: F811
    draft = make_draft(effective_date=timezone.localdate() + timedelta(days=5))
    assert 'name="intro_nl"' in staff_client.get(f"/admin/consent/statementversion/{draft.pk}/change/").content.decode()
