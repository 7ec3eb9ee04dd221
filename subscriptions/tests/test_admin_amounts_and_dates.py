"""The admin shows amounts the Dutch way ("€ 29,00") and the same "betaald tot en met" day
as the portal (the day before the next charge)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import MollieCustomer, Payment, Plan, Subscription


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.fixture
def subscription(customer):
    plan = Plan.objects.create(name="Basis", price=Decimal("1229.00"))
    subscription = Subscription.objects.create(
        user=customer,
        customer=MollieCustomer.objects.create(user=customer, mollie_id="cst_amounts"),
        plan=plan,
        status="active",
        amount_net=Decimal("1229.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("1487.09"),
        started_at=timezone.now(),
        current_period_end=date(2026, 12, 30),
    )
    Payment.objects.create(
        user=customer, subscription=subscription, mollie_id="tr_amounts", sequence_type="first", status="paid",
        amount=Decimal("1487.09"), amount_refunded=Decimal("29.00"),
    )  # fmt: skip
    return subscription


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_the_payment_list_shows_euros_the_dutch_way(staff_client, subscription):
    page = text(staff_client.get(reverse("admin:subscriptions_payment_changelist")).content.decode())
    assert "€ 1.487,09" in page and "€ 29,00" in page
    assert "1487.09" not in page and "29.00" not in page


@pytest.mark.django_db
def test_the_plan_list_shows_euros_the_dutch_way(staff_client, subscription):
    page = text(staff_client.get(reverse("admin:subscriptions_plan_changelist")).content.decode())
    assert "€ 1.229,00" in page and "€ 1.487,09" in page


@pytest.mark.django_db
def test_the_subscription_list_says_paid_through_the_same_day_as_the_portal(staff_client, client, subscription):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        admin_page = text(staff_client.get(reverse("admin:subscriptions_subscription_changelist")).content.decode())
        assert "Betaald tot en met" in admin_page
        assert "29 december 2026" in admin_page
        assert "Volgende betaling op" in admin_page and "30 december 2026" in admin_page
        detail = text(
            staff_client.get(
                reverse("admin:subscriptions_subscription_change", args=[subscription.pk])
            ).content.decode()
        )
        print(detail)
        assert "Betaald tot en met: 29 december 2026" in detail
        assert "Volgende betaling op: 30 december 2026" in detail
        assert "€ 1.487,09" in detail and "1487,09" not in detail.replace("€ 1.487,09", "")
        client.force_login(subscription.user)
        portal = text(client.get(reverse("subscriptions:overview")).content.decode())
        assert "Betaald tot en met 29 december 2026" in portal
