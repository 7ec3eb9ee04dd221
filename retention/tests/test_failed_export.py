"""A data export whose file cannot be written (disk full, permissions) is tried a few times,
then ends as failed, the customer gets a mail saying so, and can ask again at once; it never
stays "running" for days."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail

from accounts.models import Profile
from audit.models import AuditEvent
from retention import tasks
from retention.models import DataExport

REQUEST = "/portal/mijn-gegevens/download/"


@pytest.fixture
def unwritable_media(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the export directory should be")
    settings.MEDIA_ROOT = blocker  # mkdir below a file: an OSError like a full or read-only disk
    return settings


@pytest.fixture
def no_waiting(monkeypatch):
    """Retries run at once and in-process: eager tasks without propagation go through
    Celery's own retry path (a worker would wait 5, 10 and 20 s between the attempts)."""
    from portal.celery import app

    monkeypatch.setattr(tasks, "EXPORT_RETRY_SECONDS", 0)
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.mark.django_db
def test_a_failed_file_write_ends_as_failed_with_a_mail(
    client, customer, unwritable_media, no_waiting, django_capture_on_commit_callbacks, monkeypatch
):
    Profile.objects.create(user=customer, full_name="Jan Jansen")
    attempts = []
    original = tasks.services.export_build

    def counting(**kwargs):
        attempts.append(1)
        return original(**kwargs)

    monkeypatch.setattr(tasks.services, "export_build", counting)
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST)
    assert response.status_code == HTTPStatus.FOUND
    export = DataExport.objects.get(user=customer)
    assert export.status == "failed"
    assert len(attempts) == 1 + tasks.EXPORT_RETRIES
    assert AuditEvent.objects.filter(action="retention.export_failed", subject_id=customer.pk).count() == 1
    failed_mails = [m for m in mail.outbox if m.subject == "Uw download kon niet worden gemaakt"]
    assert len(failed_mails) == 1 and failed_mails[0].to == ["jansen@example.com"]
    assert "/portal/mijn-gegevens/" in failed_mails[0].body
    assert failed_mails[0].body.startswith("Beste Jan Jansen,")  # the profile's full name
    assert "<p>Beste Jan Jansen,</p>" in failed_mails[0].alternatives[0][0]
    status = client.get(f"/portal/mijn-gegevens/download/{export.pk}/status/")
    assert "Het maken van uw download is mislukt" in status.content.decode()


@pytest.mark.django_db
def test_after_a_failure_the_customer_can_ask_again_and_gets_the_download(
    client, customer, unwritable_media, no_waiting, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST)
    unwritable_media.MEDIA_ROOT = tmp_path / "media"  # the disk is fine again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST)
    statuses = sorted(DataExport.objects.filter(user=customer).values_list("status", flat=True))
    assert statuses == ["failed", "ready"]


@pytest.mark.django_db
def test_a_failure_is_reported_once_and_never_undoes_a_finished_export(customer, django_capture_on_commit_callbacks):
    from retention import services

    export = DataExport.objects.create(user=customer, requested_at=services.now(), status="running")
    with django_capture_on_commit_callbacks(execute=True):
        services.export_failed(export_id=str(export.pk))
        services.export_failed(export_id=str(export.pk))
    assert AuditEvent.objects.filter(action="retention.export_failed").count() == 1
    (failed_mail,) = [m for m in mail.outbox if "niet worden gemaakt" in m.subject]
    assert failed_mail.body.startswith("Beste jansen,")  # no profile: the username
    ready = DataExport.objects.create(user=customer, requested_at=services.now(), status="ready")
    services.export_failed(export_id=str(ready.pk))
    ready.refresh_from_db()
    assert ready.status == "ready"


@pytest.mark.django_db
@pytest.mark.parametrize("export_id", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "x" * 10_000])
def test_a_task_for_an_unknown_or_forged_export_changes_nothing(customer, export_id):
    tasks.build_export.apply(args=[export_id])
    assert not DataExport.objects.exists()
    assert not AuditEvent.objects.filter(action="retention.export_failed").exists()


@pytest.mark.django_db
def test_in_development_where_tasks_run_in_the_request_the_failure_is_no_500(
    client, customer, unwritable_media, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST)
    assert response.status_code == HTTPStatus.FOUND
    assert DataExport.objects.get(user=customer).status == "failed"
