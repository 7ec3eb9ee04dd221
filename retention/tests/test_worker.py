"""The beat job on a real Celery worker (through Redis): the worker's clock is the real one,
so the data is dated relative to now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from retention.models import RetentionRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
User = get_user_model()


def test_the_beat_task_erases_due_accounts_on_the_worker(celery_worker_process, make_user):
    from retention.tasks import enforce_retention

    now = timezone.now()
    gone = make_user("weg")
    kept = make_user("blijft")
    User.objects.filter(pk=gone.pk).update(closed_at=now - relativedelta(months=3) - timedelta(days=2), is_active=False)
    User.objects.filter(pk=kept.pk).update(closed_at=now - relativedelta(months=3) + timedelta(days=2), is_active=False)
    outcome = enforce_retention.delay().get(timeout=60)
    assert outcome["status"] == "succeeded"
    assert not User.objects.filter(pk=gone.pk).exists()
    assert User.objects.filter(pk=kept.pk).exists()
    run = RetentionRun.objects.get(pk=outcome["run_id"])
    assert run.trigger == "beat" and run.records.get(policy="account").disposed == 1
