"""``manage.py koppeling …``: the koppeling app's command (``rotate-keys``, ``new-key``, …)
plus ``sync [--user EMAIL]``, which runs the due sync work now, in this process.

The sync engine sits above the koppeling app (it reads koppeling and webshop), so koppeling's
command cannot call it; this command extends it instead, and wins because ``sync`` comes
before ``koppeling`` in INSTALLED_APPS."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from koppeling.management.commands.koppeling import Command as KoppelingCommand
from koppeling.selectors import koppeling_status
from sync.models import SyncRun
from sync.services import schedule
from sync.services.run import run_division


class Command(KoppelingCommand):
    help = (
        KoppelingCommand.help + " sync: run the sync work that is due now (--user EMAIL: that customer's, due or not)."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "action" and action.choices is not None and "sync" not in action.choices:
                action.choices = [*action.choices, "sync"]
        if not any("--user" in action.option_strings for action in parser._actions):  # the parent may have one
            parser.add_argument("--user", default="", help="sync: only this customer (e-mail address or username)")

    def handle(self, *args, action: str, **options) -> None:
        if action != "sync":
            super().handle(*args, action=action, **options)
            return
        address = options.get("user")
        if address:
            users = get_user_model().objects.filter(email__iexact=address) | get_user_model().objects.filter(
                username=address
            )
            ids = list(users.values_list("pk", flat=True).distinct())
            if not ids:
                raise CommandError(f"no customer with e-mail address or username {address!r}")
        else:
            ids = schedule.due_user_ids()
        if not ids:
            self.stdout.write("Nothing is due.")
            return
        for pk in ids:
            run = run_division(user_id=pk, trigger=SyncRun.Trigger.COMMAND)
            if run is None:
                self.stdout.write(f"user {pk}: not run ({self._why_not(pk)})")
                continue
            self.stdout.write(
                f"user {pk}: {run.outcome}, {run.synced} synced, {run.failed} failed, {run.skipped} skipped, "
                f"{run.calls} calls to Exact in {run.duration.total_seconds():.1f}s"
                + (f" ({run.message})" if run.message else "")
            )

    @staticmethod
    def _why_not(pk: int) -> str:
        """Why ``run_division`` ran nothing: the koppeling's state (and pause reason) when it may
        not run, else another run holds the administration's lock."""
        status = koppeling_status(user=get_user_model().objects.get(pk=pk))
        if not status.may_run:
            reason = f", {status.pause_reason.value}" if status.pause_reason else ""
            return f"koppeling {status.state.value}{reason}"
        return "another run of this administration is busy"
