"""A relay failure in the middle of a batch, then a re-run: every customer gets the
mailing exactly once. A worker that died with a mail in flight never causes a second mail,
and costs at most that one."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from consent.marketing import services
from consent.models import Mailing, MailingRecipient
from consent.tests.marketing_helpers import FailingBackend, mailing


@pytest.fixture
def failing_relay(settings):
    settings.EMAIL_BACKEND = "consent.tests.marketing_helpers.FailingBackend"
    FailingBackend.handed = 0
    FailingBackend.fail_at = None
    yield FailingBackend
    FailingBackend.fail_at = None


@pytest.mark.django_db
def test_a_failure_in_the_middle_of_a_batch_and_a_re_run_send_everyone_exactly_one_mail(
    make_user, settings, failing_relay
):
    settings.MARKETING_BATCH_SIZE = 3
    customers = [make_user(f"klant{n}") for n in range(1, 8)]  # 7 customers: batches of 3, 3, 1
    m = services.mailing_send(mailing=mailing(), system="test")
    failing_relay.fail_at = 5  # the second mail of the second batch

    assert services.mailing_send_batch(mailing_id=m.pk).sent == 3
    with pytest.raises(services.DeliveryFailed):
        services.mailing_send_batch(mailing_id=m.pk)

    assert Counter(a for msg in mail.outbox for a in msg.to) == {c.email: 1 for c in customers[:4]}
    statuses = dict(MailingRecipient.objects.filter(mailing=m).values_list("user__username", "status"))
    assert statuses["klant5"] == statuses["klant6"] == statuses["klant7"] == MailingRecipient.Status.PENDING
    assert "Connection unexpectedly closed" in MailingRecipient.objects.get(mailing=m, user=customers[4]).last_error

    # The re-run (the task's retry, or the beat job resuming the mailing):
    while services.mailing_send_batch(mailing_id=m.pk).more:
        pass

    assert Counter(a for msg in mail.outbox for a in msg.to) == {c.email: 1 for c in customers}
    m.refresh_from_db()
    assert (m.status, m.sent_count, m.failed_count) == (Mailing.Status.SENT, 7, 0)
    assert MailingRecipient.objects.get(mailing=m, user=customers[4]).attempts == 2
    # A run after the end sends nothing.
    services.mailing_send_batch(mailing_id=m.pk)
    assert len(mail.outbox) == 7


@pytest.mark.django_db
def test_a_relay_that_is_down_sends_nothing_and_loses_nobody(make_user, settings, failing_relay):
    settings.MARKETING_BATCH_SIZE = 10
    make_user("klant1")
    make_user("klant2")
    m = services.mailing_send(mailing=mailing(), system="test")
    failing_relay.fail_at = 1
    with pytest.raises(services.DeliveryFailed):
        services.mailing_send_batch(mailing_id=m.pk)
    assert mail.outbox == []
    assert set(MailingRecipient.objects.filter(mailing=m).values_list("status", flat=True)) == {"pending"}
    services.mailing_send_batch(mailing_id=m.pk)
    assert sorted(a for msg in mail.outbox for a in msg.to) == ["klant1@example.com", "klant2@example.com"]


@pytest.mark.django_db
def test_an_address_that_keeps_failing_is_given_up_after_five_attempts(make_user, settings, failing_relay):
    make_user("klant1")
    m = services.mailing_send(mailing=mailing(), system="test")
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        failing_relay.handed, failing_relay.fail_at = 0, 1
        with pytest.raises(services.DeliveryFailed):
            services.mailing_send_batch(mailing_id=m.pk)
        row = MailingRecipient.objects.get(mailing=m)
        expected = MailingRecipient.Status.FAILED if attempt == services.MAX_ATTEMPTS else "pending"
        assert (row.attempts, row.status) == (attempt, expected)
    services.mailing_send_batch(mailing_id=m.pk)
    m.refresh_from_db()
    assert (m.status, m.sent_count, m.failed_count) == (Mailing.Status.SENT, 0, 1)


@pytest.mark.django_db
def test_a_worker_that_died_with_one_mail_in_flight_costs_at_most_that_mail(make_user, settings):
    settings.MARKETING_BATCH_SIZE = 10
    make_user("klant1")
    make_user("klant2")
    make_user("klant3")
    m = services.mailing_send(mailing=mailing(), system="test")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # The worker claimed klant1's row, handed the mail to the relay and died: the claim
        # is per recipient, so the other rows still wait.
        services._claim_next(m.pk)
    assert MailingRecipient.objects.filter(mailing=m, status="pending").count() == 2
    with time_machine.travel(start + services._stale_claim() - timedelta(seconds=1), tick=False):
        # The redelivered task sends the waiting rows, not the claimed one.
        assert services.mailing_send_batch(mailing_id=m.pk).sent == 2
        m.refresh_from_db()
        assert m.status == Mailing.Status.SENDING
    assert sorted(a for msg in mail.outbox for a in msg.to) == ["klant2@example.com", "klant3@example.com"]
    with time_machine.travel(start + services._stale_claim() + timedelta(seconds=1), tick=False):
        services.mailing_send_batch(mailing_id=m.pk)
    assert len(mail.outbox) == 2  # nobody gets a second mail, at the price of maybe one lost
    m.refresh_from_db()
    progress = services.mailing_progress(m)
    assert (m.status, progress.unknown, m.sent_count) == (Mailing.Status.SENT, 1, 2)


@pytest.mark.django_db
def test_a_claim_is_stale_after_the_task_time_limit(settings):
    assert services._stale_claim() == timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


@pytest.mark.django_db
def test_the_beat_job_resumes_only_mailings_that_went_quiet(make_user):
    make_user("klant1")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        m = services.mailing_send(mailing=mailing(), system="test")
    with time_machine.travel(start + services.RESUME_AFTER - timedelta(seconds=1), tick=False):
        assert services.mailings_resume() == 0
    with time_machine.travel(start + services.RESUME_AFTER + timedelta(seconds=1), tick=False):
        assert services.mailings_resume() == 1
    assert m.pk
