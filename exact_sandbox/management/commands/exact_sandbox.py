"""``manage.py exact_sandbox``: operate the Exact Online sandbox from a shell or a benchmark
script (development and tests only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from exact_sandbox import engine
from exact_sandbox.models import SandboxFault

_LIMITS = {
    "minute": "minute_limit",
    "minute_seconds": "minute_seconds",
    "day": "day_limit",
    "day_seconds": "day_seconds",
    "errors": "error_limit",
    "error_window": "error_window_seconds",
    "block": "block_seconds",
}


class Command(BaseCommand):
    help = (
        "Operate the Exact Online sandbox (development and tests only): set its limits (a compressed clock: "
        "the length of Exact's minute and day), inject faults into an endpoint, process or mark paid a sales "
        "invoice, reset everything to Exact's own rules."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        limits = sub.add_parser("limits", help="show, or change, the limits; unnamed values stay")
        switch = limits.add_mutually_exclusive_group()
        switch.add_argument("--on", dest="limits_on", action="store_true", default=None, help="rate limits on")
        switch.add_argument("--off", dest="limits_on", action="store_false", help="no headers, never 429")
        limits.add_argument("--minute", type=int, help="calls per minute (Exact: 60)")
        limits.add_argument("--minute-seconds", type=float, help="length of a minute in seconds (60)")
        limits.add_argument("--day", type=int, help="calls per day (Exact: 5000)")
        limits.add_argument("--day-seconds", type=float, help="length of a day in seconds (86400)")
        limits.add_argument("--errors", type=int, help="errors per endpoint before a block (Exact: 10)")
        limits.add_argument("--error-window", type=float, help="seconds in which errors count (3600)")
        limits.add_argument("--block", type=float, help="seconds an endpoint stays blocked (3600)")
        limits.add_argument("--refresh-rule", choices=["on", "off"], help="refuse refreshes of a fresh token")
        fault = sub.add_parser("fault", help="make the next calls fail")
        fault.add_argument("kind", choices=SandboxFault.Kind.values)
        fault.add_argument("--endpoint", default="", help="e.g. salesinvoice/SalesInvoices (default: every one)")
        fault.add_argument("--method", choices=["GET", "POST"], default="")
        fault.add_argument("--times", type=int, default=1)
        fault.add_argument("--seconds", type=float, default=3.0, help="delay, Retry-After or block length")
        fault.add_argument("--message", default="", help="Exact's message, for validation_error")
        for name, help_text in (("process", "process (print) a sales invoice"), ("paid", "mark a sales invoice paid")):
            invoice = sub.add_parser(name, help=help_text)
            invoice.add_argument("--division", type=int, required=True)
            invoice.add_argument("--your-ref", required=True)
        sub.add_parser("reset", help="no faults, no blocks, Exact's own limits")

    def handle(self, *args, **options) -> None:
        if not engine.enabled():
            raise CommandError("The Exact sandbox is off here (production).")
        action = options["action"]
        try:
            if action == "limits":
                changes = {field: options[name] for name, field in _LIMITS.items() if options[name] is not None}
                if options["limits_on"] is not None:
                    changes["limits_on"] = options["limits_on"]
                if options["refresh_rule"]:
                    changes["refresh_rule_on"] = options["refresh_rule"] == "on"
                config = engine.limits_set(**changes) if changes else engine.settings_get()
                state = "on" if config.limits_on else "off"
                self.stdout.write(
                    f"limits {state}: {config.minute_limit} per {config.minute_seconds:g} s, "
                    f"{config.day_limit} per {config.day_seconds:g} s; block after {config.error_limit} errors "
                    f"in {config.error_window_seconds:g} s for {config.block_seconds:g} s; refresh rule "
                    f"{'on' if config.refresh_rule_on else 'off'}"
                )
            elif action == "fault":
                fault = engine.fault_add(
                    options["kind"],
                    endpoint=options["endpoint"],
                    method=options["method"],
                    times=options["times"],
                    seconds=options["seconds"],
                    message=options["message"],
                )
                self.stdout.write(f"armed: {fault}")
            elif action in ("process", "paid"):
                change = engine.invoice_mark_paid if action == "paid" else engine.invoice_process
                invoice = change(division=options["division"], your_ref=options["your_ref"])
                self.stdout.write(f"invoice {invoice.journal}/{invoice.invoice_number} {invoice.your_ref}: {action}")
            elif action == "reset":
                engine.reset()
                self.stdout.write("reset")
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
