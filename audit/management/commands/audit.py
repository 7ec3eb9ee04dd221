"""manage.py audit verify [--json] [--checkpoint NAME] | checkpoint"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from audit.checkpoints import create_checkpoint
from audit.verification import verify


class Command(BaseCommand):
    help = (
        "verify: recompute every audit event's digest and every chain, and compare the chains with the "
        "latest signed checkpoint; exit 0 with a summary when intact, exit 1 naming the first bad event. "
        "checkpoint: sign every chain's length and head with AUDIT_SIGNING_KEY and write it to "
        "AUDIT_CHECKPOINT_DIR and the log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify_parser = commands.add_parser("verify", help="check the audit trail")
        verify_parser.add_argument("--json", action="store_true", help="print the result as JSON")
        verify_parser.add_argument(
            "--checkpoint",
            metavar="NAME",
            help="compare with this checkpoint (its storage name, e.g. a backup's) instead of the newest",
        )
        commands.add_parser("checkpoint", help="write a signed checkpoint")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "checkpoint":
            checkpoint = create_checkpoint()
            self.stdout.write(
                f"checkpoint {checkpoint.path}: {checkpoint.events} events in {len(checkpoint.chains)} chains, root {checkpoint.root}"
            )
            return
        report = verify(checkpoint_name=options.get("checkpoint"))
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        elif report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"audit trail intact: {report.events} events in {report.chains} chains, {report.redacted} redacted; "
                    f"checkpoint {report.checkpoint or '(none yet)'}; {report.events_per_second:,.0f} events/s"
                )
            )
            for note in report.notes:
                self.stdout.write(note)
        else:
            self.stderr.write(f"audit trail NOT intact: {report.problem}")
            self.stderr.write(f"checked {report.events} events in {report.chains} chains before stopping")
        if not report.ok:
            sys.exit(1)
