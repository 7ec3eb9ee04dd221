"""Demo data beyond the two accounts; later features add theirs here (idempotently)."""

from __future__ import annotations

from decimal import Decimal


def seed_more(*, stdout) -> None:
    _seed_plans(stdout=stdout)


def _seed_plans(*, stdout) -> None:
    from subscriptions.models import Plan

    plans = [
        (
            "Exact koppeling Basis",
            "Eén koppeling met Exact Online, dagelijkse synchronisatie.",
            "One connection with Exact Online, synchronised daily.",
            Decimal("29.00"),
            Plan.Interval.MONTH,
        ),
        (
            "Exact koppeling Jaar",
            "Basis, per jaar betaald: twee maanden voordeel.",
            "Basis, paid yearly: two months free.",
            Decimal("290.00"),
            Plan.Interval.YEAR,
        ),
    ]
    for name, description, description_en, price, interval in plans:
        _plan, created = Plan.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "description_en": description_en,
                "price": price,
                "interval": interval,
            },
        )
        if created:
            stdout.write(f"Plan created: {name}")
