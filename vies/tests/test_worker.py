"""The retry job runs on a real Celery worker: a check VIES could not answer gets its answer
from the worker, over HTTP, from the sandbox on this test's live server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Profile
from accounts.services import profile_for
from portal.celery import app
from portal.testing.celery_worker import run_celery_worker
from vies import services
from vies.models import VatCheck
from vies.tasks import retry_due
from vies.tests.conftest import OUR_VAT_ID
from vies_sandbox import controls

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_unanswered_check_is_answered_by_the_retry_job_on_a_real_worker(vies_sandbox, customer):
    profile_for(customer)
    Profile.objects.filter(user=customer).update(vat_id="BE0403170701", country="BE")
    controls.add_fault("MS_UNAVAILABLE", country="BE")
    check = services.vat_check_request(user=customer, vat_id="BE0403170701")
    check.refresh_from_db()
    assert check.result == VatCheck.Result.UNCHECKED and check.reason == "MS_UNAVAILABLE"
    VatCheck.objects.filter(pk=check.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    queue = "q_vies_retry"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        with run_celery_worker(
            queue=queue,
            database_settings=connection.settings_dict,
            extra_env={"VIES_API_URL": vies_sandbox.url + "/sandbox/vies", "COMPANY_VAT_ID": OUR_VAT_ID},
            name="vies",
        ) as worker:
            retry_due.apply_async(queue=queue)
            worker.wait_until(
                lambda: VatCheck.objects.filter(pk=check.pk, result=VatCheck.Result.VALID).exists(), timeout=30
            )
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
    check.refresh_from_db()
    assert check.consultation_number.startswith("WAPI") and check.requester == OUR_VAT_ID and check.attempts == 2
