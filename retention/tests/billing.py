"""Billing rows for retention tests, written straight to the billing models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from subscriptions.models import CreditNote, Invoice, MollieCustomer, Payment, Plan, Subscription

_counter = {"n": 0}


def billing_history(
    user, *, ended_at: datetime | None, snapshot_name: str = "Zwanenburg Webshop B.V.", credit_note: bool = False
) -> Subscription:
    """A subscription with one paid payment and its invoice; with ``credit_note`` also a
    partial refund's credit note, and both documents' stored PDFs."""
    _counter["n"] += 1
    n = _counter["n"]
    plan, _ = Plan.objects.get_or_create(name="Basis", defaults={"price": Decimal("25.00")})
    customer, _ = MollieCustomer.objects.get_or_create(user=user, defaults={"mollie_id": f"cst_test{n}"})
    subscription = Subscription.objects.create(
        user=user,
        customer=customer,
        plan=plan,
        status="ended" if ended_at else "active",
        amount_net=Decimal("25.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("30.25"),
        mandate_id=f"mdt_test{n}",
        ended_at=ended_at,
    )
    payment = Payment.objects.create(
        user=user,
        subscription=subscription,
        mollie_id=f"tr_test{n}",
        sequence_type="first",
        status="paid",
        amount=Decimal("30.25"),
    )
    invoice = Invoice.objects.create(
        user=user,
        payment=payment,
        number=f"2019-{n:05d}",
        issued_on=date(2019, 1, 1),
        description="Exact koppeling Basis",
        period_start=date(2019, 1, 1),
        period_end=date(2019, 1, 31),
        amount_net=Decimal("25.00"),
        vat_rate=Decimal("21.0"),
        vat_amount=Decimal("5.25"),
        amount_gross=Decimal("30.25"),
        billing_snapshot={
            "name": snapshot_name,
            "street": "Lindelaan 12",
            "postal_code": "5611AB",
            "city": "Eindhoven",
        },
        seller_snapshot={"name": "Codex Connectors B.V."},
    )
    if credit_note:
        from subscriptions.services import document_pdf

        note = CreditNote.objects.create(
            user=user,
            invoice=invoice,
            number=f"2019-{n:05d}C",
            issued_on=date(2019, 2, 1),
            description=invoice.description,
            refunded_before=Decimal("0"),
            refunded_after=Decimal("10.00"),
            amount_net=Decimal("-8.26"),
            vat_rate=Decimal("21.0"),
            vat_amount=Decimal("-1.74"),
            amount_gross=Decimal("-10.00"),
            billing_snapshot=invoice.billing_snapshot,
            seller_snapshot=invoice.seller_snapshot,
        )
        document_pdf(document=invoice)
        document_pdf(document=note)
    return subscription
