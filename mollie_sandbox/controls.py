"""Operator actions on the sandbox, shared by the control page and ``manage.py mollie_sandbox``."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from mollie_sandbox import engine
from mollie_sandbox.engine import Kind
from mollie_sandbox.models import SandboxFault, SandboxObject


def charge(subscription_id: str, *, outcome: str = "paid", retry: bool = False) -> SandboxObject:
    """The subscription's next charge with this outcome (``failed``, ``canceled`` or
    ``expired`` for a failed automatic payment); ``retry`` charges the last one again."""
    with transaction.atomic():
        subscription = engine.get(Kind.SUBSCRIPTION, subscription_id, for_update=True)
        return engine.subscription_charge(subscription, outcome=outcome, retry=retry)


def set_status(payment_id: str, status: str, *, method: str | None = None) -> SandboxObject:
    with transaction.atomic():
        payment = engine.get(Kind.PAYMENT, payment_id, for_update=True)
        return engine.payment_set_status(payment, status, method=method)


def refund(payment_id: str, amount: Decimal | None = None) -> SandboxObject:
    with transaction.atomic():
        payment = engine.get(Kind.PAYMENT, payment_id, for_update=True)
        value = amount or Decimal(payment.data["amountRemaining"]["value"])
        return engine.refund_create(payment, {"amount": engine.money(value), "description": "Sandbox refund"})


def chargeback(payment_id: str, amount: Decimal | None = None) -> SandboxObject:
    with transaction.atomic():
        payment = engine.get(Kind.PAYMENT, payment_id, for_update=True)
        return engine.chargeback_create(payment, amount)


def revoke_mandate(mandate_id: str) -> None:
    with transaction.atomic():
        engine.mandate_revoke(engine.get(Kind.MANDATE, mandate_id, for_update=True))


def add_fault(kind: str, *, target: str = "*", count: int = 1, delay_seconds: float = 3.0) -> SandboxFault:
    if kind not in SandboxFault.Kind.values:
        raise ValueError(f"Unknown fault {kind!r}; choose from {', '.join(SandboxFault.Kind.values)}.")
    return SandboxFault.objects.create(kind=kind, target=target, remaining=count, delay_seconds=delay_seconds)


def clear_faults() -> int:
    return SandboxFault.objects.filter(remaining__gt=0).update(remaining=0)
