"""End to end through Redis and a real Celery worker: publishing queues the announcement, the
worker sends the mails in batches and records them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import StatementAnnouncement
from consent.statement import services as statement_services
from consent.statement import tasks as statement_tasks
from consent.tests.statement_helpers import ensure_seed, make_draft

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_announcement_once(celery_worker_process, make_user):
    ensure_seed()
    staff = make_user("medewerker", staff=True)
    customers = [make_user(f"werker{i}") for i in range(3)]
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=14))

    statement_services.publish_version(version=version, by=staff)  # commits: the task goes to Redis

    celery_worker_process.wait_until(
        lambda: StatementAnnouncement.objects.filter(version=version).count() == len(customers), timeout=30
    )
    log = celery_worker_process.log_text()
    for customer in customers:
        assert f"To: {customer.email}" in log
    assert "Subject: Onze privacyverklaring wijzigt" in log

    # Queue it again (a re-delivered task): the worker finds nothing left to send.
    result = statement_tasks.announce_version_task.delay(version.pk)
    assert result.get(timeout=30) == 0
    assert StatementAnnouncement.objects.filter(version=version).count() == len(customers)
    assert celery_worker_process.log_text().count("Subject: Onze privacyverklaring wijzigt") == len(customers)
