"""The hourly beat job runs on a real Celery worker: a signed checkpoint appears in the
directory the worker was configured with, and verification accepts it."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from audit.events import Action
from audit.services import record
from audit.tasks import audit_checkpoint
from audit.verification import verify
from portal.celery import app
from portal.testing.celery_worker import run_celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_beat_job_writes_a_signed_checkpoint_on_a_real_worker(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    record(Action.AUTH_LOGIN, subject_id=41)
    record(Action.AUTH_LOGOUT, subject_id=41)
    queue = "q_audit_checkpoint"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        with run_celery_worker(
            queue=queue,
            database_settings=connection.settings_dict,
            extra_env={"AUDIT_CHECKPOINT_DIR": str(tmp_path)},
            name="audit",
        ) as worker:
            audit_checkpoint.apply_async(queue=queue)
            worker.wait_until(lambda: any(tmp_path.rglob("checkpoint-*.json")), timeout=30)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
    file = next(tmp_path.rglob("checkpoint-*.json"))
    name = file.name
    document = json.loads(file.read_text())
    assert [c[:2] for c in document["payload"]["chains"]] == [[41, 2]]
    report = verify()
    assert report.ok and report.checkpoint == name and report.checkpoint_chains == 1
