"""/readyz is for the load balancer and asks only what the web tier needs; a late job shows
on /healthz/jobs and in `manage.py jobs status`, never on /readyz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
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
        assert body["status"] == "overdue"
        assert [job for job, ok in body["jobs"].items() if not ok] == ["retention-enforce-daily"]
        assert list(body["jobs"]) == list(settings.CELERY_BEAT_SCHEDULE)
        assert "no successful retention run" in body["details"]["retention-enforce-daily"]


@pytest.mark.django_db
def test_the_jobs_details_go_to_the_monitoring_addresses_only(client, settings, installed_at_start):
    settings.METRICS_ALLOWED_IPS = ["10.9.0.5"]
    with time_machine.travel(LATE, tick=False):
        stranger = client.get("/healthz/jobs", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.0.5")
        assert stranger.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert stranger.content == b""
        monitor = client.get("/healthz/jobs", REMOTE_ADDR="10.9.0.5")
        assert monitor.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert monitor.json()["jobs"]["retention-enforce-daily"] is False
    stranger = client.get("/healthz/jobs", REMOTE_ADDR="203.0.113.7")
    assert stranger.status_code == HTTPStatus.OK
    assert stranger.content == b""


@pytest.mark.django_db
def test_the_jobs_endpoint_is_ok_after_a_run(client, installed_at_start):
    with time_machine.travel(LATE, tick=False):
        services.enforce()
        response = client.get("/healthz/jobs")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "jobs": dict.fromkeys(settings.CELERY_BEAT_SCHEDULE, True),
        "details": {},
    }


@pytest.mark.django_db
def test_the_jobs_endpoint_says_nothing_about_customers_and_needs_no_login(client, installed_at_start, customer):
    with time_machine.travel(LATE, tick=False):
        body = client.get("/healthz/jobs").content.decode()
    assert "jansen" not in body and "Traceback" not in body


def others_ran(*, but: str) -> None:
    """Every other generic job succeeded just now (so the command's exit status is about ``but``)."""
    for job in settings.CELERY_BEAT_SCHEDULE:
        if job != but and job not in settings.JOB_HEARTBEAT_CHECKS:
            Heartbeat.objects.update_or_create(
                name=f"job:{job}", defaults={"installed_at": timezone.now(), "last_success_at": timezone.now()}
            )


def status_lines(capsys) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in capsys.readouterr().out.strip().splitlines())


@pytest.mark.django_db
def test_jobs_status_prints_every_scheduled_job_and_exits_1_when_one_is_overdue(installed_at_start, capsys):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        call_command("jobs", "status")
    lines = status_lines(capsys)
    assert list(lines) == list(settings.CELERY_BEAT_SCHEDULE)  # all seven, not one
    assert lines["retention-enforce-daily"] == "never ran"  # not "ok": it never ran
    assert all(line.startswith("never ran (first run due ") for line in lines.values() if line != "never ran")
    with time_machine.travel(LATE, tick=False), pytest.raises(CommandError) as failure:
        call_command("jobs", "status")
    assert failure.value.returncode == 1
    lines = status_lines(capsys)
    assert lines["retention-enforce-daily"].startswith("OVERDUE (never ran; no successful retention run since")
    with time_machine.travel(LATE, tick=False):
        services.enforce()
        others_ran(but="retention-enforce-daily")
        call_command("jobs", "status")
    assert status_lines(capsys)["retention-enforce-daily"].startswith("ok (last success ")


HOURLY_JOB = "billing-unmailed-documents"  # hourly at :25


@pytest.fixture(autouse=False)
def retention_ran_in_march(db):
    """Keeps the retention job out of the way of the tests of the other jobs."""
    Heartbeat.objects.update_or_create(
        name="enforce",
        defaults={
            "installed_at": datetime(2027, 3, 1, tzinfo=UTC),
            "last_success_at": datetime(2027, 3, 1, 9, tzinfo=UTC),
        },
    )


@pytest.mark.django_db
def test_a_job_that_never_ran_is_reported_so_and_overdue_once_two_runs_are_missed(capsys, retention_ran_in_march):
    installed = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(installed, tick=False):
        call_command("jobs", "status")  # the clock starts here: every job "never ran", none overdue
    assert status_lines(capsys)[HOURLY_JOB] == "never ran (first run due 2027-03-01 10:25 UTC)"
    with time_machine.travel(datetime(2027, 3, 1, 11, 25, tzinfo=UTC), tick=False):
        others_ran(but=HOURLY_JOB)
        call_command("jobs", "status")  # one run missed: tolerated
    assert status_lines(capsys)[HOURLY_JOB].startswith("never ran")
    with time_machine.travel(datetime(2027, 3, 1, 11, 25, 1, tzinfo=UTC), tick=False), pytest.raises(CommandError):
        call_command("jobs", "status")
    assert status_lines(capsys)[HOURLY_JOB] == "OVERDUE (never ran; due since 2027-03-01 10:25 UTC)"


@pytest.mark.django_db
def test_a_successful_run_of_the_task_is_the_jobs_heartbeat(capsys, retention_ran_in_march):
    from celery import current_app

    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=UTC), tick=False):
        call_command("jobs", "status")
    capsys.readouterr()
    with time_machine.travel(datetime(2027, 3, 1, 10, 25, 4, tzinfo=UTC), tick=False):
        task = settings.CELERY_BEAT_SCHEDULE[HOURLY_JOB]["task"]
        assert current_app.tasks[task].apply().successful()
    with time_machine.travel(datetime(2027, 3, 1, 12, 25, tzinfo=UTC), tick=False):
        others_ran(but=HOURLY_JOB)
        call_command("jobs", "status")  # 11:25 missed, 12:25 not yet late
    assert status_lines(capsys)[HOURLY_JOB] == "ok (last success 2027-03-01 10:25 UTC)"
    with time_machine.travel(datetime(2027, 3, 1, 12, 25, 1, tzinfo=UTC), tick=False), pytest.raises(CommandError):
        call_command("jobs", "status")
    assert status_lines(capsys)[HOURLY_JOB] == (
        "OVERDUE (last success 2027-03-01 10:25 UTC; due since 2027-03-01 11:25 UTC)"
    )


@pytest.mark.django_db
def test_jobs_refuses_an_unknown_action():
    with pytest.raises(CommandError):
        call_command("jobs", "restart")


@pytest.mark.django_db
def test_a_job_scheduled_every_n_seconds_is_reported_too(capsys, retention_ran_in_march):
    """The sync tick's schedule is a number of seconds (60.0), not a crontab."""
    assert isinstance(settings.CELERY_BEAT_SCHEDULE["sync-tick"]["schedule"], float)
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=UTC), tick=False):
        call_command("jobs", "status")
    assert status_lines(capsys)["sync-tick"] == "never ran (first run due 2027-03-01 10:01 UTC)"
    with time_machine.travel(datetime(2027, 3, 1, 10, 2, 1, tzinfo=UTC), tick=False), pytest.raises(CommandError):
        others_ran(but="sync-tick")
        call_command("jobs", "status")
    assert status_lines(capsys)["sync-tick"] == "OVERDUE (never ran; due since 2027-03-01 10:01 UTC)"
