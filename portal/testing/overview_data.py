"""Rows for the staff overview's tests and benchmark, written straight to the models.

``subscription`` makes one customer's subscription at given moments (for the figures'
boundary tests); ``bulk_customers`` makes many customers with a bit of everything the
overview counts (subscriptions over two years, cookie decisions, marketing objections, runs
of the koppeling) with ``bulk_create``, a few statements per table whatever the size.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import CookieConsentRecord, MarketingPreference
from subscriptions.models import MollieCustomer, Plan, Subscription
from sync.models import SyncRun

_counter = {"n": 0}


def plan(name: str = "Basis", price: str = "25.00", interval: str = "month") -> Plan:
    found, _ = Plan.objects.get_or_create(name=name, defaults={"price": Decimal(price), "interval": interval})
    return found


def subscription(
    user,
    *,
    started_at: datetime | None,
    ended_at: datetime | None = None,
    status: str | None = None,
    amount_net: str = "25.00",
    on_plan: Plan | None = None,
    end_reason: str = "",
    cancel_requested_at: datetime | None = None,
    cancel_reason: str = "",
) -> Subscription:
    """One subscription of ``user`` that started (first payment paid) at ``started_at`` and
    ended at ``ended_at``; a user has one Mollie customer, so one live subscription at most."""
    _counter["n"] += 1
    customer, _ = MollieCustomer.objects.get_or_create(user=user, defaults={"mollie_id": f"cst_ovz{_counter['n']}"})
    net = Decimal(amount_net)
    if status is None:
        status = "ended" if ended_at else ("active" if started_at else "pending")
    return Subscription.objects.create(
        user=user,
        customer=customer,
        plan=on_plan or plan(),
        status=status,
        amount_net=net,
        vat_rate=Decimal("21.0"),
        amount_gross=(net * Decimal("1.21")).quantize(Decimal("0.01")),
        started_at=started_at,
        ended_at=ended_at,
        end_reason=end_reason,
        cancel_requested_at=cancel_requested_at,
        cancel_reason=cancel_reason,
    )


def bulk_customers(count: int, *, now: datetime | None = None, prefix: str = "massa") -> None:
    """``count`` customers, each with a subscription that started in the last two years (one
    in five ended since, one in ten with a reason given), a cookie decision (one in three
    refused), one in eight objecting to marketing mail, and a run of the koppeling each in the
    last 30 days (one in six with errors)."""
    now = now or timezone.now()
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", password="!") for i in range(count)],
        batch_size=2000,
    )
    customers = MollieCustomer.objects.bulk_create(
        [MollieCustomer(user=user, mollie_id=f"cst_{prefix}{i}") for i, user in enumerate(users)], batch_size=2000
    )
    basis, jaar = plan(), plan("Jaar", "240.00", "year")
    subscriptions = []
    for i, (user, customer) in enumerate(zip(users, customers, strict=True)):
        started = now - timedelta(days=1 + (i * 7) % 720, hours=i % 24)
        ended = started + timedelta(days=30 + i % 90) if i % 5 == 0 else None
        if ended and ended > now:
            ended = None
        yearly = i % 4 == 0
        net = Decimal("240.00") if yearly else Decimal("25.00")
        subscriptions.append(
            Subscription(
                user=user,
                customer=customer,
                plan=jaar if yearly else basis,
                status="canceled" if ended else "active",
                amount_net=net,
                vat_rate=Decimal("21.0"),
                amount_gross=(net * Decimal("1.21")).quantize(Decimal("0.01")),
                started_at=started,
                ended_at=ended,
                cancel_requested_at=ended - timedelta(days=10) if ended else None,
                cancel_reason="too_expensive" if ended and i % 10 == 0 else "",
            )
        )
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)
    CookieConsentRecord.objects.bulk_create(
        [
            CookieConsentRecord(
                consent_id=f"{prefix[:6].upper()}{i:010d}",
                decided_at=now - timedelta(hours=1 + (i * 13) % (24 * 700)),
                accepted=[] if i % 3 == 0 else ["analytics"],
                refused=["analytics"] if i % 3 == 0 else [],
                statement_version="1",
                cookie_revision="1",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    MarketingPreference.objects.bulk_create(
        [
            MarketingPreference(user=user, objected=True, changed_at=now - timedelta(days=(i * 3) % 700))
            for i, user in enumerate(users)
            if i % 8 == 0
        ],
        batch_size=2000,
    )
    SyncRun.objects.bulk_create(
        [
            SyncRun(
                user=user,
                started_at=now - timedelta(hours=1 + (i * 5) % (24 * 29)),
                outcome="errors" if i % 6 == 0 else "ok",
                synced=3,
                failed=1 if i % 6 == 0 else 0,
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
