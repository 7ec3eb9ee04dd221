"""What a person does in a real Chromium for issue 17's plan items: a customer withdraws a
checkout they left or picks another plan, cancels with a reason; staff end a subscription
with the pro-rata refund and refund what is left of a payment, and read the cancellation
reasons per month."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from core.formatting import euro
from mollie_sandbox.models import SandboxObject
from portal.testing.browser import log_in
from subscriptions.models import Payment, Plan, Subscription
from subscriptions.services import closure
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.browser


@pytest.fixture
def premium(db) -> Plan:
    return Plan.objects.create(name="Premium", price=Decimal("49.00"), interval=Plan.Interval.MONTH)


def _as_staff(page, live_server, make_user):
    """The browser gets a staff member's session (with a second factor set up)."""
    from allauth.mfa.models import Authenticator

    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return staff


def test_a_customer_who_left_the_checkout_picks_another_plan_then_withdraws(
    page, mollie_sandbox, customer, password, plan, premium
):
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Basis afsluiten").click()
    expect(page.get_by_role("button", name="Ga verder")).to_be_visible()  # Mollie's checkout
    page.goto("/portal/abonnement/")  # back without paying
    first = Payment.objects.get()
    page.get_by_role("button", name="Kies in plaats daarvan Premium").click()
    expect(page.get_by_role("button", name="Ga verder")).to_be_visible()  # Premium's checkout
    assert SandboxObject.objects.get(pk=first.mollie_id).data["status"] == "canceled"
    assert Subscription.objects.get(status=Subscription.Status.PENDING).plan == premium

    page.goto("/portal/abonnement/")
    page.get_by_role("button", name="Aanvraag intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is ingetrokken. Er is niets afgeschreven")
    expect(page.get_by_role("button", name="Premium afsluiten")).to_be_visible()
    assert not Subscription.objects.filter(status__in=Subscription.LIVE).exists()
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="payment")] == ["canceled", "canceled"]


def test_a_customer_cancels_with_a_reason_and_staff_see_it_counted(
    page, new_page, live_server, mollie_sandbox, subscribe, customer, password, make_user
):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    page.get_by_role("link", name="Abonnement opzeggen").click()
    page.get_by_label("Te duur").check()
    page.get_by_label("Toelichting (niet verplicht)").fill("Wij gebruiken maar één koppeling.")
    page.get_by_role("button", name="Ja, abonnement opzeggen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw abonnement is opgezegd.")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.cancel_reason == "too_expensive"

    staff_page = new_page()
    _as_staff(staff_page, live_server, make_user)
    staff_page.goto("/admin/subscriptions/subscription/")
    staff_page.get_by_role("link", name="Opzegredenen per maand").click()
    table = staff_page.locator("table.cancel-reasons")
    expect(table).to_contain_text("Te duur")
    expect(staff_page.locator(".cancel-comments")).to_contain_text("Wij gebruiken maar één koppeling.")


def test_staff_end_a_subscription_with_the_refund_and_refund_the_rest_of_a_payment(
    page, live_server, mollie_sandbox, subscribe, customer, make_user
):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    refund = closure.closure_outcome(user=customer).refund
    with translation.override("nl"):
        shown = euro(refund)
    _as_staff(page, live_server, make_user)
    page.goto(f"/admin/accounts/user/{customer.pk}/change/")
    page.get_by_role("link", name="Abonnement direct beëindigen").click()
    page.get_by_label(re.compile("Ongebruikte dagen terugbetalen")).check()
    expect(page.get_by_text(f"Ongebruikte dagen terugbetalen, zoals bij opheffen: {shown}")).to_be_visible()
    page.locator("select[name=subscription]").select_option(index=1)
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Verzoek van de klant per telefoon")
    page.get_by_role("button", name="Abonnement direct beëindigen").click()
    expect(page.get_by_text(f"{shown} wordt terugbetaald. De klant is gemaild.")).to_be_visible()
    # nothing left to end: the action is no longer offered
    expect(page.get_by_role("link", name="Abonnement direct beëindigen")).to_have_count(0)

    page.get_by_role("link", name="Betaling terugbetalen").click()
    paid = Payment.objects.get(pk=payment.pk)
    left = paid.amount - paid.amount_refunded
    with translation.override("nl"):
        expect(page.locator("select[name=payment]")).to_contain_text(f"nog {euro(left)} terug te betalen")
    page.locator("select[name=payment]").select_option(index=1)
    page.get_by_label("bedrag (EUR, incl. btw)").fill("999,00")
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Coulance")
    page.get_by_role("button", name="Betaling terugbetalen").click()
    with translation.override("nl"):
        expect(page.get_by_text(f"Het bedrag moet tussen € 0,01 en {euro(left)} liggen.")).to_be_visible()
