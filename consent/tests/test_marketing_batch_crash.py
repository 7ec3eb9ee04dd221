"""A relay failure in the middle of a batch, then a re-run: every customer gets the
mailing exactly once. A worker that died after claiming rows never causes a second mail."""

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
def test_rows_claimed_by_a_worker_that_died_are_never_sent_again(make_user, settings):
    settings.MARKETING_BATCH_SIZE = 10
    make_user("klant1")
    make_user("klant2")
    m = services.mailing_send(mailing=mailing(), system="test")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # The worker claimed the batch, handed klant1's mail to the relay and died.
        services._claim(m.pk, 10)
    with time_machine.travel(start + services.STALE_CLAIM - timedelta(seconds=1), tick=False):
        # A batch run (the task, or the beat job resuming the mailing) does not send them.
        assert services.mailing_send_batch(mailing_id=m.pk) == services.BatchResult()
        m.refresh_from_db()
        assert m.status == Mailing.Status.SENDING
    with time_machine.travel(start + services.STALE_CLAIM + timedelta(seconds=1), tick=False):
        services.mailing_send_batch(mailing_id=m.pk)
    assert mail.outbox == []  # nobody gets a second mail, at the price of maybe none
    m.refresh_from_db()
    progress = services.mailing_progress(m)
    assert (m.status, progress.unknown, m.sent_count) == (Mailing.Status.SENT, 2, 0)


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
