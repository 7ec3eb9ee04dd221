"""End to end on a real Celery worker through Redis: a mailing sent in batches, and a relay
that fails in the middle of a batch, after which Celery's retry sends the rest: every
customer receives exactly one mail, with the one-click headers, on the wire."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from consent.marketing import services, tokens
from consent.models import Mailing, MailingRecipient
from consent.tests.marketing_helpers import mailing
from consent.tests.smtp_sink import start_sink
from portal.testing.celery_worker import run_celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_mailing_started_by_staff_is_sent_by_the_worker_with_its_headers(celery_worker_process, make_user):
    customers = [make_user(f"klant{n}") for n in range(1, 5)]
    objector = make_user("bezwaar")
    services.preference_set(user=objector, objected=True, via=services.Via.PREFERENCES, by=objector)

    m = services.mailing_send(mailing=mailing(), system="test")  # committed: the task goes to Redis

    celery_worker_process.wait_until(
        lambda: Mailing.objects.filter(pk=m.pk, status=Mailing.Status.SENT).exists(), timeout=60
    )
    m.refresh_from_db()
    assert (m.recipient_count, m.sent_count) == (4, 4)
    log = celery_worker_process.log_text()  # the worker's console mail backend
    sent_to = Counter(re.findall(r"^(?:\S+ )*To: (\S+@example\.com)$", log, flags=re.MULTILINE))
    assert sent_to == {c.email: 1 for c in customers}
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in log
    assert "bezwaar@example.com" not in log


def test_a_relay_failure_mid_batch_is_retried_and_nobody_gets_two_mails(make_user):
    from portal.celery import app

    customers = [make_user(f"klant{n}") for n in range(1, 8)]
    sink, server = start_sink()
    sink.fail_data_number = 4  # the second mail of the second batch of two
    queue = "q_marketing_smtp"
    previous_queue = app.conf.task_default_queue
    env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.server_address[1]),
        "EMAIL_USE_TLS": "0",
        "MARKETING_BATCH_SIZE": "2",
        "MARKETING_BATCH_PAUSE": "1",
    }
    try:
        with run_celery_worker(
            queue=queue, database_settings=dict(connection.settings_dict), extra_env=env, name="smtp"
        ) as worker:
            app.conf.task_default_queue = queue
            app.conf.task_always_eager = False  # this test's own worker runs the tasks
            m = services.mailing_send(mailing=mailing(), system="test")
            worker.wait_until(lambda: Mailing.objects.filter(pk=m.pk, status=Mailing.Status.SENT).exists(), 90)
            log = worker.log_text()
    finally:
        app.conf.task_default_queue = previous_queue
        app.conf.task_always_eager = True
        server.shutdown()
        server.server_close()

    assert sink.data_seen == 8  # seven mails and the one the relay refused
    assert Counter(sink.recipients()) == {c.email: 1 for c in customers}
    assert "Retry in" in log  # Celery's retry was the re-run
    m.refresh_from_db()
    assert (m.status, m.sent_count) == (Mailing.Status.SENT, 7)
    # Batches of two, a pause between batches: the relay sees a steady trickle.
    sent_at = list(MailingRecipient.objects.filter(mailing=m).order_by("pk").values_list("sent_at", flat=True))
    assert sent_at[2] - sent_at[1] >= timedelta(seconds=1)
    for recipients, message in sink.messages:
        url = message["List-Unsubscribe"].strip()[1:-1]
        by_address = {c.email: c.pk for c in customers}
        assert tokens.read_token(url.rstrip("/").rsplit("/", 1)[1]).user_ids == (by_address[recipients[0]],)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
