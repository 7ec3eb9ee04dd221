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


def test_upgrading_shows_the_amounts_first_and_charges_only_after_confirming(subscribed):
    page = subscribed
    page.get_by_role("link", name="Abonnementsvorm wijzigen").click()
    expect(page.get_by_role("heading", name="Abonnementsvorm wijzigen")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Direct; nu af te schrijven: € \d+,\d\d\.")).first).to_be_visible()
    page.get_by_role("button", name="Overstappen naar Premium").click()
    expect(page.get_by_role("heading", name="Overstappen van Basis naar Premium")).to_be_visible()
    facts = page.locator(".plan-change-facts")
    expect(facts).to_contain_text(re.compile(r"€ \d+,\d\d excl\. btw \+ € \d+,\d\d btw = € \d+,\d\d incl\. btw"))
    expect(facts).to_contain_text("€ 49,00 excl. btw, € 59,29 incl. btw per maand")
    assert not Payment.objects.filter(purpose=Payment.Purpose.PRORATION).exists()  # nothing yet
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Uw abonnement is gewijzigd naar Premium.")).to_be_visible()
    expect(page.get_by_role("heading", name="Uw abonnement: Premium")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Actief · € 59,29 per maand"))).to_be_visible()
    subscription = Subscription.objects.get()
    assert subscription.plan.name == "Premium"
    assert Payment.objects.get(purpose=Payment.Purpose.PRORATION).status == Payment.Status.PAID


def test_a_downgrade_is_scheduled_shown_as_the_next_payment_and_can_be_withdrawn(subscribed):
    page = subscribed
    page.get_by_role("link", name="Abonnementsvorm wijzigen").click()
    page.get_by_role("button", name="Overstappen naar Klein").click()
    expect(page.locator(".plan-change-facts")).to_contain_text("Niets")
    page.get_by_role("button", name="Bevestigen").click()
    expect(
        page.get_by_text(re.compile(r"^Ingepland: per .+ gaat uw abonnement over naar Klein\.$")).first
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Uw abonnement: Basis")).to_be_visible()
    # the next payment as it will really be: Klein's amount, not Basis'
    expect(page.locator(".next-payment")).to_contain_text("volgende automatische betaling: € 22,99.")
    assert PlanChange.objects.get().status == PlanChange.Status.SCHEDULED
    [remote] = SandboxObject.objects.filter(kind="subscription")
    assert remote.data["amount"]["value"] == "22.99"

    page.get_by_role("button", name="Wijziging intrekken").click()
    expect(page.get_by_text("De overstap naar Klein is ingetrokken. Uw abonnement blijft Basis.")).to_be_visible()
    expect(page.locator(".next-payment")).to_contain_text("volgende automatische betaling: € 35,09.")
    assert PlanChange.objects.get().status == PlanChange.Status.CANCELED
    remote.refresh_from_db()
    assert remote.data["amount"]["value"] == "35.09"  # at Mollie the amount went back


def test_monthly_to_yearly_at_once_with_the_unused_days_credited(subscribed):
    page = subscribed
    Plan.objects.create(name="Jaar", price=Decimal("290.00"), interval=Plan.Interval.YEAR)
    page.get_by_role("link", name="Abonnementsvorm wijzigen").click()
    page.get_by_role("button", name="Overstappen naar Jaar").click()
    expect(page.get_by_role("heading", name="Overstappen van Basis naar Jaar")).to_be_visible()
    expect(page.locator(".plan-change-facts")).to_contain_text("voor de ongebruikte dagen van uw betaalde maand")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Uw abonnement is gewijzigd naar Jaar.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Actief · € 350,90 per jaar"))).to_be_visible()
    subscription = Subscription.objects.get()
    assert subscription.plan.name == "Jaar"
    # Exactly one live Mollie subscription, the yearly one; the monthly one is cancelled (the
    # order they were made in depends on when the first payment's push ran).
    remotes = SandboxObject.objects.filter(kind="subscription")
    assert sorted((r.data["status"], r.data["interval"]) for r in remotes) == [
        ("active", "12 months"),
        ("canceled", "1 month"),
    ]


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
