from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from mollie_sandbox import controls, engine
from mollie_sandbox.engine import ApiError
from mollie_sandbox.models import SandboxFault, SandboxObject


class Command(BaseCommand):
    help = (
        "Operate the Mollie sandbox (development and tests only): run a subscription's next charge, "
        "refund or charge back a payment, set a payment's status, inject faults (5xx, timeouts, dropped, "
        "duplicate or held webhooks), release held webhooks out of order and send due webhook retries."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        charge = sub.add_parser("charge", help="run the next charge of a subscription (sub_…)")
        charge.add_argument("subscription_id")
        charge.add_argument("--outcome", choices=engine.CHARGE_OUTCOMES, default="paid")
        charge.add_argument(
            "--retry", action="store_true", help="charge the last charge's date again (Mollie retrying a failed charge)"
        )
        status = sub.add_parser("status", help="set a payment's status (tr_…)")
        status.add_argument("payment_id")
        status.add_argument("status", choices=engine.PAYMENT_STATUSES)
        for name in ("refund", "chargeback"):
            action = sub.add_parser(name, help=f"{name} a paid payment (tr_…), fully unless --amount")
            action.add_argument("payment_id")
            action.add_argument("--amount", type=Decimal)
        fault = sub.add_parser("fault", help="inject a fault into the next calls or webhooks")
        fault.add_argument("kind", choices=SandboxFault.Kind.values)
        fault.add_argument(
            "--target", default="*", help='e.g. "POST payments" or "GET payments/*" (default: every call)'
        )
        fault.add_argument("--count", type=int, default=1)
        fault.add_argument("--delay", type=float, default=3.0, help="seconds, for timeouts")
        sub.add_parser("clear-faults", help="disarm every fault")
        release = sub.add_parser("release", help="send the held webhooks out of order")
        release.add_argument("--order", choices=["reverse", "shuffle"], default="reverse")
        sub.add_parser("deliver", help="send webhook retries that are due now")
        sub.add_parser("list", help="show subscriptions and recent payments")

    def handle(self, *args, **options) -> None:
        if not engine.enabled():
            raise CommandError("The Mollie sandbox is off here (production or a live API key).")
        action = options["action"]
        try:
            if action == "charge":
                payment = controls.charge(
                    options["subscription_id"], outcome=options["outcome"], retry=options["retry"]
                )
                self.stdout.write(f"{payment.id} {payment.data['status']}")
            elif action == "status":
                payment = controls.set_status(options["payment_id"], options["status"])
                self.stdout.write(f"{payment.id} {payment.data['status']}")
            elif action == "refund":
                refund = controls.refund(options["payment_id"], options["amount"])
                self.stdout.write(f"{refund.id} {refund.data['amount']['value']}")
            elif action == "chargeback":
                chargeback = controls.chargeback(options["payment_id"], options["amount"])
                self.stdout.write(f"{chargeback.id} {chargeback.data['amount']['value']}")
            elif action == "fault":
                fault = controls.add_fault(
                    options["kind"], target=options["target"], count=options["count"], delay_seconds=options["delay"]
                )
                self.stdout.write(f"armed: {fault}")
            elif action == "clear-faults":
                self.stdout.write(f"cleared {controls.clear_faults()}")
            elif action == "release":
                self.stdout.write(f"released {engine.webhook_release_held(order=options['order'])}")
            elif action == "deliver":
                self.stdout.write(f"delivered {engine.webhooks_deliver_due()}")
            elif action == "list":
                for obj in SandboxObject.objects.filter(kind__in=["subscription", "payment"]).order_by("-created_at")[
                    :50
                ]:
                    data = obj.data
                    self.stdout.write(
                        f"{obj.id}\t{data['status']}\t{data['amount']['value']}\t{data.get('nextPaymentDate') or data.get('sequenceType', '')}"
                    )
        except ApiError as exc:
            raise CommandError(exc.detail) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
