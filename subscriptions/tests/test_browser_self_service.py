"""Changing plan and payment method as a customer does it, in a real Chromium against the
live server and the sandbox's hosted checkout."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mollie_sandbox.models import SandboxObject
from portal.testing.browser import log_in
from subscriptions.models import MandateChange, Payment, Plan, PlanChange, Subscription

pytestmark = pytest.mark.browser


@pytest.fixture
def subscribed(page, mollie_sandbox, customer, password, plan):
    Plan.objects.create(name="Premium", price=Decimal("49.00"), interval=Plan.Interval.MONTH)
    Plan.objects.create(name="Klein", price=Decimal("19.00"), interval=Plan.Interval.MONTH)
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Basis afsluiten").click()
    page.get_by_label("paid", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    expect(page.get_by_role("status")).to_contain_text("Betaling ontvangen.")
    page.get_by_role("link", name="Naar uw abonnement").click()
    return page


def test_upgrading_charges_the_difference_at_once_and_shows_the_new_plan(subscribed):
    page = subscribed
    page.get_by_role("link", name="Abonnementsvorm wijzigen").click()
    expect(page.get_by_role("heading", name="Abonnementsvorm wijzigen")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Direct; nu af te schrijven: € \d+,\d\d\."))).to_be_visible()
    page.get_by_role("button", name="Overstappen naar Premium").click()
    expect(page.get_by_text("Uw abonnement is gewijzigd naar Premium.")).to_be_visible()
    expect(page.get_by_role("heading", name="Uw abonnement: Premium")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Actief · € 59,29 per maand"))).to_be_visible()
    subscription = Subscription.objects.get()
    assert subscription.plan.name == "Premium"
    assert Payment.objects.get(purpose=Payment.Purpose.PRORATION).status == Payment.Status.PAID


def test_downgrading_is_scheduled_and_announced_on_the_overview(subscribed):
    page = subscribed
    page.get_by_role("link", name="Abonnementsvorm wijzigen").click()
    page.get_by_role("button", name="Overstappen naar Klein").click()
    expect(
        page.get_by_text(re.compile(r"^Ingepland: per .+ gaat uw abonnement over naar Klein\.$")).first
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Uw abonnement: Basis")).to_be_visible()
    assert PlanChange.objects.get().status == PlanChange.Status.SCHEDULED


def test_changing_the_payment_method_through_the_checkout(subscribed):
    page = subscribed
    old = Subscription.objects.get().mandate_id
    page.get_by_role("button", name="Betaalmethode wijzigen").click()
    expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()
    page.get_by_label("paid", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Betaling ontvangen.")
    expect(status).to_contain_text("Uw nieuwe betaalmethode is vastgelegd.")
    change = MandateChange.objects.get()
    assert change.old_mandate_id == old and Subscription.objects.get().mandate_id == change.new_mandate_id
    assert SandboxObject.objects.get(pk=old).data["status"] == "invalid"


def test_a_failed_payment_method_check_says_nothing_changed(subscribed):
    page = subscribed
    page.get_by_role("button", name="Betaalmethode wijzigen").click()
    page.get_by_label("failed", exact=True).check()
    page.get_by_role("button", name="Ga verder").click()
    expect(page.get_by_role("status")).to_contain_text("Er is niets gewijzigd: wij schrijven af zoals voorheen.")
    assert not MandateChange.objects.exists()
