"""Closing an account with a paid period in a real Chromium: the close page shows what
happens to the subscription and the money before confirming, and the mail repeats it."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.formatting import euro
from portal.testing.browser import log_in
from subscriptions.models import Payment, Subscription
from subscriptions.services import closure
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.browser


def test_the_close_page_shows_the_refund_and_the_mail_repeats_it(
    page, mollie_sandbox, subscribe, customer, password, latest_mail
):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    outcome = closure.closure_outcome(user=customer)
    assert outcome.refund > 0
    with translation.override("nl"):
        expected = f"U krijgt {euro(outcome.refund)} (incl. btw) terug"

    log_in(page, "jansen", password)
    page.goto("/portal/account/opheffen/")
    section = page.get_by_role("region", name="Wat er met uw abonnement gebeurt")
    expect(section).to_contain_text(expected)
    expect(section).to_contain_text(f"factuur {outcome.invoice.number}")
    main = page.get_by_role("main")
    main.get_by_label("Uw wachtwoord").fill(password)
    main.get_by_label("Ik begrijp dat ik na het opheffen niet meer kan inloggen.").check()
    main.get_by_role("button", name="Account definitief opheffen").click()
    expect(page.get_by_role("heading", name="Uw account is opgeheven")).to_be_visible()

    message = latest_mail(to="jansen@example.com", subject_contains="opgeheven", timeout=10)
    assert expected in message.body
    html = message.alternatives[0][0]
    assert expected in html
    paid = Payment.objects.get(pk=payment.pk)
    assert paid.amount_refunded == outcome.refund
