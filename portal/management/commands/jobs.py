"""``manage.py jobs status``: the heartbeat of every scheduled job in CELERY_BEAT_SCHEDULE
(ok, never ran, OVERDUE); exit status 1 when one is overdue, so cron or monitoring can act
on it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal import health


class Command(BaseCommand):
    help = (
        "status: show for each scheduled job whether it ran in time (ok), has not run yet while "
        "not yet due (never ran), or is late (OVERDUE: two runs in a row missed; the daily retention "
        "run must have succeeded within the last 26 hours); exits with 1 when one is overdue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status"])

    def handle(self, *args, action: str, **options) -> None:
        results = health.job_heartbeats()
        for result in results:
            detail = f" ({result.detail})" if result.detail else ""
            self.stdout.write(f"{result.name}: {result.state}{detail}")
        if not all(result.ok for result in results):
            raise CommandError("a scheduled job is overdue", returncode=1)
