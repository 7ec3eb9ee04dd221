"""``manage.py jobs status``: the heartbeat of every scheduled job (retention's daily run);
exit status 1 when one is overdue, so cron or monitoring can act on it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal import health


class Command(BaseCommand):
    help = (
        "status: show whether each scheduled job ran in time (the daily retention run must have "
        "succeeded within the last 26 hours); exits with 1 when one is overdue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status"])

    def handle(self, *args, action: str, **options) -> None:
        results = health.job_heartbeats()
        for result in results:
            if result.ok:
                self.stdout.write(f"{result.name}: ok")
            else:
                self.stdout.write(f"{result.name}: OVERDUE ({result.detail})")
        if not all(result.ok for result in results):
            raise CommandError("a scheduled job is overdue", returncode=1)
