from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vies_sandbox import controls, engine
from vies_sandbox.models import SandboxConsultation, SandboxFault


class Command(BaseCommand):
    help = (
        "Operate the VIES sandbox (development and tests only): say what a VAT id is in the member "
        "state's register, make the next checks fail (MS_UNAVAILABLE, busy, HTML 500, late answers)."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="what VIES answers for this VAT id (e.g. BE0403170701)")
        register.add_argument("vat_id")
        register.add_argument("--invalid", action="store_true")
        register.add_argument("--name", default="")
        register.add_argument("--address", default="")
        fault = sub.add_parser("fault", help="make the next checks fail")
        fault.add_argument("kind", choices=SandboxFault.Kind.values)
        fault.add_argument("--country", default="", help="only checks of this country (e.g. DE)")
        fault.add_argument("--count", type=int, default=1)
        fault.add_argument("--delay", type=float, default=3.0, help="seconds, for slow")
        sub.add_parser("clear-faults", help="disarm every fault")
        sub.add_parser("list", help="the last checks answered")

    def handle(self, *args, **options) -> None:
        if not engine.enabled():
            raise CommandError("The VIES sandbox is off in production.")
        action = options["action"]
        if action == "register":
            row = controls.register(
                options["vat_id"], valid=not options["invalid"], name=options["name"], address=options["address"]
            )
            self.stdout.write(str(row))
        elif action == "fault":
            try:
                fault = controls.add_fault(
                    options["kind"], country=options["country"], count=options["count"], delay_seconds=options["delay"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(str(fault))
        elif action == "clear-faults":
            self.stdout.write(f"{controls.clear_faults()} fault(s) cleared")
        else:
            for row in SandboxConsultation.objects.order_by("-id")[:30]:
                self.stdout.write(f"{row.created_at:%Y-%m-%d %H:%M:%S} {row} {row.request_identifier}")
