"""/readyz is for the load balancer and asks only what the web tier needs; a late job shows
on /healthz/jobs and in `manage.py jobs status`, never on /readyz."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from retention import services
from retention.models import Heartbeat

START = timezone.now().replace(microsecond=0)
LATE = START + timedelta(hours=27)


@pytest.fixture
def installed_at_start(db):
    Heartbeat.objects.update_or_create(name="enforce", defaults={"installed_at": START, "last_success_at": None})


@pytest.mark.django_db
def test_a_late_retention_run_keeps_the_web_tier_ready(client, installed_at_start):
    with time_machine.travel(LATE, tick=False):
        ready = client.get("/readyz")
        assert ready.status_code == HTTPStatus.OK
        assert ready.json()["checks"] == ["database", "redis"]
        jobs = client.get("/healthz/jobs")
        assert jobs.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        body = jobs.json()
        assert {k: body[k] for k in ("status", "jobs")} == {"status": "overdue", "jobs": {"retention": False}}
        assert "last successful retention run" in body["details"]["retention"]


@pytest.mark.django_db
def test_the_jobs_details_go_to_the_monitoring_addresses_only(client, settings, installed_at_start):
    settings.METRICS_ALLOWED_IPS = ["10.9.0.5"]
    with time_machine.travel(LATE, tick=False):
        stranger = client.get("/healthz/jobs", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.0.5")
        assert stranger.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert stranger.content == b""
        monitor = client.get("/healthz/jobs", REMOTE_ADDR="10.9.0.5")
        assert monitor.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert monitor.json()["jobs"] == {"retention": False}
    stranger = client.get("/healthz/jobs", REMOTE_ADDR="203.0.113.7")
    assert stranger.status_code == HTTPStatus.OK
    assert stranger.content == b""


@pytest.mark.django_db
def test_the_jobs_endpoint_is_ok_after_a_run(client, installed_at_start):
    with time_machine.travel(LATE, tick=False):
        services.enforce()
        response = client.get("/healthz/jobs")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "jobs": {"retention": True}, "details": {}}


@pytest.mark.django_db
def test_the_jobs_endpoint_says_nothing_about_customers_and_needs_no_login(client, installed_at_start, customer):
    with time_machine.travel(LATE, tick=False):
        body = client.get("/healthz/jobs").content.decode()
    assert "jansen" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_jobs_status_prints_each_job_and_exits_1_when_one_is_overdue(installed_at_start, capsys):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        call_command("jobs", "status")
    assert capsys.readouterr().out.strip() == "retention: ok"
    with time_machine.travel(LATE, tick=False), pytest.raises(CommandError) as failure:
        call_command("jobs", "status")
    assert failure.value.returncode == 1
    out = capsys.readouterr().out
    assert out.startswith("retention: OVERDUE (last successful retention run")


@pytest.mark.django_db
def test_jobs_refuses_an_unknown_action():
    with pytest.raises(CommandError):
        call_command("jobs", "restart")
