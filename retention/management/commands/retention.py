"""``manage.py retention``: the operator's view of the register of personal data.

  report [--json]                          per policy: due now, due in the next 30 days, held
  enforce [--dry-run] [--policy NAME] [--json]
                                           remove everything past its period (what the
                                           daily beat job does); --dry-run changes nothing
                                           and reports exactly what enforce would do
  hold add --user USER --reason TEXT       stop all disposal for one customer
  hold release ID                          end a legal hold
  hold list [--all] [--json]               active holds (with --all: released ones too)
  explain USER                             every category kept about the customer, until when
  export USER --output FILE                the customer's data export (JSON)

USER is a username, an e-mail address or a numeric id. Bad arguments: a clear message, exit
status 2, nothing changed. A failed enforcement run exits with status 1.

Output is English throughout (as are the other ops commands), periods and legal bases
included, and speaks about the customer, not to them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from register import registry
from retention import selectors, services
from retention.models import LegalHold


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _rule(category: registry.Category) -> str:
    """The category's rule for the operator, about the customer ("3 months after the closure
    of the account"). The customer-facing note ("... nadat u uw account opheft") is not used:
    it addresses the customer."""
    start = str(category.clock_start).replace("your ", "the customer's ")
    if category.period is None:
        return f"as long as {start}" if start else "-"
    return f"{category.period.describe()} after {start}"


class Command(BaseCommand):
    help = (
        "Report, enforce and explain the retention periods of personal data; manage legal holds; "
        "export one customer's data. Accounts go three calendar months after closure, billing data "
        "seven years after the subscription ended; see docs/retention.md for every category."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{report,enforce,hold,explain,export}")

        report = sub.add_parser("report", help="per policy: due now, due in the next 30 days, held")
        report.add_argument("--json", action="store_true")

        enforce = sub.add_parser("enforce", help="remove everything past its retention period")
        enforce.add_argument("--dry-run", action="store_true", help="change nothing; report what enforce would do")
        enforce.add_argument("--policy", metavar="NAME", help="only this policy")
        enforce.add_argument("--json", action="store_true")
        enforce.add_argument("--batch-size", type=int, default=services.DEFAULT_BATCH_SIZE)

        hold = sub.add_parser("hold", help="legal holds")
        hold_sub = hold.add_subparsers(dest="hold_action", required=True, metavar="{add,release,list}")
        add = hold_sub.add_parser("add", help="stop all disposal for one customer")
        add.add_argument("--user", required=True, metavar="USER")
        add.add_argument("--reason", required=True, metavar="TEXT")
        release = hold_sub.add_parser("release", help="end a legal hold")
        release.add_argument("hold_id", metavar="ID")
        listing = hold_sub.add_parser("list", help="list legal holds")
        listing.add_argument("--all", action="store_true", help="include released holds")
        listing.add_argument("--json", action="store_true")

        explain = sub.add_parser("explain", help="what we keep about one customer and until when")
        explain.add_argument("user", metavar="USER", help="username, e-mail address or id")
        explain.add_argument("--json", action="store_true")

        export = sub.add_parser("export", help="one customer's data export")
        export.add_argument("user", metavar="USER")
        export.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "hold":
            action = f"hold_{options['hold_action']}"
        # One language for the operator: the register's Dutch texts (periods, legal bases,
        # rules) are read in English here.
        with translation.override("en"):
            getattr(self, f"do_{action}")(options)

    # --- helpers -----------------------------------------------------------------------

    def _user(self, identifier: str):
        try:
            return selectors.resolve_user(identifier)
        except services.RetentionError as exc:
            raise _bad(str(exc)) from None

    def _json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))

    # --- subcommands -------------------------------------------------------------------

    def do_report(self, options: dict) -> None:
        rows = selectors.report()
        if options["json"]:
            self._json({"generated_at": services.now().isoformat(), "policies": rows})
            return
        self.stdout.write(f"{'policy':<18} {'period':<22} {'action':<10} {'due now':>9} {'next 30d':>9} {'held':>6}")
        for row in rows:
            self.stdout.write(
                f"{row['policy']:<18} {row['period']:<22} {row['end_action']:<10} "
                f"{row['due_now']:>9} {row['due_next_30_days']:>9} {row['held']:>6}"
            )

    def do_enforce(self, options: dict) -> None:
        policy = options.get("policy")
        if policy is not None and policy not in [c.name for c in registry.enforced_categories()]:
            raise _bad(
                f"unknown policy {policy!r}; choose from: {', '.join(c.name for c in registry.enforced_categories())}"
            )
        if options["batch_size"] < 1:
            raise _bad("--batch-size must be at least 1")
        try:
            result = services.enforce(policy=policy, dry_run=options["dry_run"], batch_size=options["batch_size"])
        except services.RunInProgress as exc:
            raise CommandError(str(exc), returncode=1) from None
        except services.RetentionError as exc:
            raise _bad(str(exc)) from None
        except Exception as exc:
            raise CommandError(f"enforcement failed: {exc.__class__.__name__}: {exc}", returncode=1) from exc
        if options["json"]:
            self._json(result.as_dict())
            return
        heading = (
            "dry run: nothing changed; enforce would dispose of"
            if result.dry_run
            else f"run {result.run_id}: disposed of"
        )
        self.stdout.write(heading)
        for policy_result in result.policies:
            self.stdout.write(
                f"  {policy_result.policy:<18} {policy_result.disposed:>9} ({policy_result.end_action}; "
                f"held back {policy_result.held}; cutoff {_fmt(policy_result.cutoff)})"
            )
        self.stdout.write(f"  {'total':<18} {result.total:>9}")

    def do_hold_add(self, options: dict) -> None:
        user = self._user(options["user"])
        try:
            hold = services.hold_add(user=user, reason=options["reason"])
        except services.RetentionError as exc:
            raise _bad(str(exc)) from None
        self.stdout.write(f"legal hold #{hold.pk} on {user.get_username()} (id {user.pk}): all disposal stopped")

    def do_hold_release(self, options: dict) -> None:
        raw = options["hold_id"].lstrip("#")
        if not raw.isdigit():
            raise _bad(f"hold id must be a number, got {options['hold_id']!r}")
        try:
            hold = services.hold_release(hold_id=int(raw))
        except services.RetentionError as exc:
            raise _bad(str(exc)) from None
        self.stdout.write(f"legal hold #{hold.pk} released")

    def do_hold_list(self, options: dict) -> None:
        holds = LegalHold.objects.all() if options["all"] else LegalHold.objects.active()
        rows = [
            {
                "id": h.pk,
                "subject_id": h.subject_id,
                "user": h.user.get_username() if h.user else None,
                "reason": h.reason,
                "created_at": h.created_at.isoformat(),
                "created_by": h.created_by,
                "released_at": h.released_at.isoformat() if h.released_at else None,
            }
            for h in holds.select_related("user").order_by("pk")
        ]
        if options["json"]:
            self._json(rows)
            return
        if not rows:
            self.stdout.write("no legal holds")
        for row in rows:
            state = f"released {row['released_at'][:16]}" if row["released_at"] else "active"
            self.stdout.write(
                f"#{row['id']:<5} {row['user'] or '(erased)'} (id {row['subject_id']}) "
                f"{state}; since {row['created_at'][:16]} by {row['created_by']}: {row['reason']}"
            )

    def do_explain(self, options: dict) -> None:
        user = self._user(options["user"])
        items = selectors.explain(user=user)
        if options.get("json"):
            self._json(
                [
                    {
                        "category": i.category.name,
                        "held": i.held,
                        "legal_basis": str(i.category.legal_basis),
                        "removal_at": i.removal_at.isoformat() if i.removal_at else None,
                        "rule": _rule(i.category),
                        "on_hold": i.on_hold,
                    }
                    for i in items
                ]
            )
            return
        self.stdout.write(
            f"{user.get_username()} (id {user.pk})"
            + (" — UNDER LEGAL HOLD: nothing is disposed" if any(i.on_hold for i in items) else "")
        )
        for item in items:
            when = _fmt(item.removal_at) if item.removal_at else f"not yet dated ({_rule(item.category)})"
            kept = "kept" if item.held else "none"
            self.stdout.write(f"  {item.category.name:<18} {kept:<5} {item.category.legal_basis:<20} goes: {when}")

    def do_export(self, options: dict) -> None:
        user = self._user(options["user"])
        path = Path(options["output"])
        if not path.parent.exists():
            raise _bad(f"directory {path.parent} does not exist")
        if path.exists() and path.is_dir():
            raise _bad(f"{path} is a directory")
        data = services.export_for_ops(user=user)
        path.write_text(
            json.dumps(
                {"user": user.get_username(), "exported_at": services.now().isoformat(), "categories": data},
                indent=2,
                ensure_ascii=False,
                default=str,
            ),
            encoding="utf-8",
        )
        self.stdout.write(f"wrote {path} ({len(data)} categories)")
