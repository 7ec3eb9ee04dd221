"""Mijn gegevens: every category with its legal basis and removal date; the download of all
data is made by a job, announced by mail, and works for seven days for its owner only."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.test import Client

from register import registry
from retention.models import DataExport
from retention.tests.conftest import ams

NOW = ams(2026, 5, 4, 10, 0)


@pytest.mark.django_db
def test_the_page_lists_every_category_with_basis_and_removal_date(client, rich_customer):
    user = rich_customer("jansen")
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/portal/mijn-gegevens/").content.decode()
    for category in registry.categories():
        if category.explain is not None:
            assert str(category.verbose_name) in page
    assert "Uitvoering van de overeenkomst" in page and "Gerechtvaardigd belang" in page
    assert "tot drie maanden nadat u uw account opheft" in page.lower()


@pytest.mark.django_db
def test_a_closed_account_sees_the_date_it_goes(rich_customer):
    # Closed accounts cannot log in; the date is what ops' `retention explain` shows and the
    # page would show during the closing flow.
    from retention import selectors

    user = rich_customer("jansen", closed_at=ams(2026, 1, 10, 14, 0))
    account = next(i for i in selectors.explain(user=user) if i.category.name == "account")
    assert account.removal_at == ams(2026, 4, 11, 0, 0)


@pytest.mark.django_db
def test_the_page_needs_a_login(client):
    response = client.get("/portal/mijn-gegevens/")
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_download_is_made_mailed_and_works_seven_days_for_its_owner_only(
    client, rich_customer, make_user, django_capture_on_commit_callbacks
):
    user = rich_customer("jansen")
    client.force_login(user)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/mijn-gegevens/download/")
    export = DataExport.objects.get(user=user)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/portal/mijn-gegevens/download/{export.pk}/status/"
    assert export.status == "ready" and export.progress == 100

    [message] = [m for m in mail.outbox if m.to == ["jansen@example.com"]]
    link = re.search(r"http://[^\s]+/portal/mijn-gegevens/download/[0-9a-f-]+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1]
    assert path == f"/portal/mijn-gegevens/download/{export.pk}/"

    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        client.cookies.clear()  # the old session ran out long ago
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"account.json", "profile.json", "audit_personal.json", "overzicht.html"} <= names
    assert json.loads(archive.read("account.json"))["email"] == "jansen@example.com"
    assert json.loads(archive.read("profile.json"))["phone"] == "+31612345678"
    assert "Lindelaan 12" in archive.read("overzicht.html").decode()

    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        intruder = Client()
        intruder.force_login(make_user("pietersen"))
        assert intruder.get(path).status_code == HTTPStatus.NOT_FOUND
        assert intruder.get(f"{path}status/").status_code == HTTPStatus.NOT_FOUND
        assert Client().get(path).status_code == HTTPStatus.FOUND  # to the login page

    with time_machine.travel(NOW + timedelta(days=8, hours=1), tick=False):
        client.cookies.clear()
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == HTTPStatus.GONE
        assert "niet meer beschikbaar" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_export_and_its_file_are_removed_by_enforcement(
    client, rich_customer, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from retention import services
    from retention.personal_data import export_storage_name

    user = rich_customer("jansen")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    name = export_storage_name(export.file_name)
    assert default_storage.exists(name)
    with time_machine.travel(NOW + timedelta(days=7), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.enforce(policy="data_exports")
    assert default_storage.exists(name)
    with (
        time_machine.travel(NOW + timedelta(days=8, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enforce(policy="data_exports")
    assert not DataExport.objects.exists()
    assert not default_storage.exists(name)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_export_job_runs_on_the_worker_and_the_page_shows_progress(celery_worker_process, rich_customer, client):
    from django.core.files.storage import default_storage

    user = rich_customer("jansen")
    client.force_login(user)
    response = client.post("/portal/mijn-gegevens/download/")
    status_url = response["Location"]
    export = DataExport.objects.get(user=user)
    first = client.get(status_url).content.decode()
    assert 'http-equiv="refresh"' in first or "staat klaar" in first
    celery_worker_process.wait_until(
        lambda: DataExport.objects.filter(pk=export.pk, status="ready").exists(), timeout=30
    )
    page = client.get(status_url).content.decode()
    assert "Uw download staat klaar" in page and 'http-equiv="refresh"' not in page
    celery_worker_process.wait_until(
        lambda: "Uw gegevens staan klaar om te downloaden" in celery_worker_process.log_text(), timeout=30
    )
    export.refresh_from_db()
    try:
        assert client.get(f"/portal/mijn-gegevens/download/{export.pk}/").status_code == HTTPStatus.OK
    finally:
        default_storage.delete(export.file_name)
