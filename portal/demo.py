"""Demo data beyond the two accounts; later features add theirs here (idempotently)."""

from __future__ import annotations

from decimal import Decimal


def seed_more(*, stdout) -> None:
    _seed_plans(stdout=stdout)
    _seed_webshop_key(stdout=stdout)


DEMO_KEY_NAME = "Demo-webwinkel"


def _seed_webshop_key(*, stdout) -> None:
    """The demo customer's webshop API key, made through the koppeling's service and printed
    once (only its hash is kept): with it, ``manage.py koppeling demo-orders --key …`` or a
    curl from the API keys page reaches the API. Keys need a live subscription, so until the
    demo customer has subscribed (Abonnement, the Mollie sandbox) this says what to do. The
    verwerkersovereenkomst is accepted for the demo customer (audited as theirs)."""
    from django.contrib.auth import get_user_model

    from koppeling.models import ApiKey
    from koppeling.services import KoppelingError, api_key_create
    from webshop.services import processor_agreement_accept

    customer = get_user_model().objects.filter(username="klant").first()
    if customer is None:
        return
    processor_agreement_accept(user=customer, by=customer, ip=None, user_agent="seed_demo")
    if ApiKey.objects.filter(user=customer, name=DEMO_KEY_NAME, revoked_at__isnull=True).exists():
        stdout.write(f"Demo webshop API key: made earlier ({DEMO_KEY_NAME}; shown only then).")
        return
    try:
        _key, raw = api_key_create(user=customer, by=customer, name=DEMO_KEY_NAME)
    except KoppelingError:
        stdout.write(
            "Demo webshop API key: subscribe as klant first (Abonnement), then run `manage.py seed_demo` again."
        )
        return
    stdout.write(f"Demo webshop API key (shown once): {raw}")
    stdout.write(f"  manage.py koppeling demo-orders --count 10 --key {raw}")


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
