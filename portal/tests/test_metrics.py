"""/metrics: reachable only from the monitoring addresses (judged by the client-IP resolver,
so a forged X-Forwarded-For does not help), and its numbers move when the thing happens."""

from __future__ import annotations

import math
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from audit import checkpoints
from core import metrics as shared
from core.mail import render_and_send
from portal.celery import app
from portal.tasks import ping
from portal.testing.metrics import scrape

PROXY = "10.0.0.1"
MONITOR = "10.9.0.5"
STRANGER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_counters():
    shared.reset_for_tests()
    yield
    shared.reset_for_tests()


@pytest.fixture
def monitoring_behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [PROXY]
    settings.METRICS_ALLOWED_IPS = [MONITOR, "127.0.0.1"]


@pytest.mark.django_db
def test_an_address_not_listed_gets_404_also_when_it_forges_forwarded_for(client, monitoring_behind_a_proxy):
    assert client.get("/metrics", REMOTE_ADDR=STRANGER).status_code == HTTPStatus.NOT_FOUND
    # Straight to the application server, claiming to be the monitoring host: its own address counts.
    forged = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=MONITOR)
    assert forged.status_code == HTTPStatus.NOT_FOUND
    # Through the proxy, from somewhere else, with the monitoring host's address written in front.
    through_proxy = client.get("/metrics", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{MONITOR}, {STRANGER}")
    assert through_proxy.status_code == HTTPStatus.NOT_FOUND
    # The proxy's own address is not a monitoring host either.
    assert client.get("/metrics", REMOTE_ADDR=PROXY).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_the_monitoring_host_through_the_proxy_reads_the_metrics(client, monitoring_behind_a_proxy):
    samples = scrape(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=MONITOR)
    assert samples.value("portal_metrics_collector_up", collector="audit.metrics.CheckpointCollector") == 1


@pytest.mark.django_db
def test_nobody_reads_the_metrics_when_no_address_is_listed(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_requests_are_counted_per_view(client):
    before = scrape(client).sum("django_http_requests_total_by_view_transport_method_total", view="healthz")
    for _ in range(3):
        client.get("/healthz")
    after = scrape(client)
    assert after.sum("django_http_requests_total_by_view_transport_method_total", view="healthz") == before + 3
    assert after.sum("django_http_requests_latency_seconds_by_view_method_count", view="healthz", method="GET") >= 3


@pytest.mark.django_db
def test_a_mail_sent_and_a_mail_refused_move_their_counters(client, settings):
    settings.EMAIL_BACKEND = "portal.observability.mail.CountingEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = scrape(client)
    assert before.value("portal_mail_sent_total") == 0
    render_and_send("accounts/email/account_closed", to=["jansen@example.com"], context={"username": "jansen"})
    assert len(mail.outbox) == 1
    middle = scrape(client)
    assert middle.value("portal_mail_sent_total") == 1
    assert middle.value("portal_mail_failed_total") == 0

    settings.EMAIL_DELIVERY_BACKEND = "portal.tests.test_metrics.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        render_and_send("accounts/email/account_closed", to=["jansen@example.com"], context={"username": "jansen"})
    after = scrape(client)
    assert after.value("portal_mail_sent_total") == 1
    assert after.value("portal_mail_failed_total") == 1


class RefusingBackend:
    def __init__(self, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the relay is down")

    def open(self):
        return False

    def close(self) -> None:
        pass


@pytest.mark.django_db
def test_tasks_waiting_in_the_queue_show_as_its_length(client, settings):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    app.conf.task_always_eager = False  # no worker here: the tasks stay in Redis
    try:
        assert scrape(client).value("portal_celery_queue_length", queue=queue) == 0
        for n in range(4):
            ping.delay(str(n))
        assert scrape(client).value("portal_celery_queue_length", queue=queue) == 4
    finally:
        app.conf.task_always_eager = True
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
    assert scrape(client).value("portal_celery_queue_length", queue=queue) == 0


def test_a_task_that_fails_on_the_real_worker_is_counted(client, celery_worker_process):
    from core.tasks import send_templated_mail

    task = "portal.tasks.send_templated_mail"
    assert scrape(client).value("portal_celery_task_failures_total", task=task) == 0
    send_templated_mail.delay("email/no-such-template", to=["x@example.com"], context={}, language="nl")
    celery_worker_process.wait_until(
        lambda: scrape(client).value("portal_celery_task_failures_total", task=task) == 1, timeout=30
    )


@pytest.mark.django_db
def test_the_checkpoint_age_is_infinite_without_one_and_grows_after_one(client, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    assert math.isinf(scrape(client).value("portal_audit_checkpoint_age_seconds"))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        checkpoints.create_checkpoint()
        assert scrape(client).value("portal_audit_checkpoint_age_seconds") == 0
        assert scrape(client).value("portal_audit_checkpoint_valid") == 1
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert scrape(client).value("portal_audit_checkpoint_age_seconds") == 7200


@pytest.mark.django_db
def test_a_checkpoint_signed_with_another_key_shows_as_invalid(client, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    checkpoints.create_checkpoint()
    settings.AUDIT_SIGNING_KEY = "another-key"
    samples = scrape(client)
    assert samples.value("portal_audit_checkpoint_valid") == 0
    assert math.isinf(samples.value("portal_audit_checkpoint_age_seconds"))


@pytest.mark.django_db
def test_a_collector_that_fails_is_reported_and_the_others_still_answer(client, settings):
    settings.METRICS_COLLECTORS = ["portal.tests.test_metrics.BrokenCollector", *settings.METRICS_COLLECTORS]
    samples = scrape(client)
    assert samples.value("portal_metrics_collector_up", collector="portal.tests.test_metrics.BrokenCollector") == 0
    assert samples.value("portal_metrics_collector_up", collector="audit.metrics.CheckpointCollector") == 1


class BrokenCollector:
    def collect(self):
        raise ConnectionError("PostgreSQL went away")
