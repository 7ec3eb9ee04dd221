"""Cancelling with confirmation in a real Chromium: the overview's button leads to a page
that says what happens, "Nee, terug" changes nothing, the confirm button cancels and the
mail repeats it; undoing mails too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.testing.browser import has_horizontal_scroll, log_in, mail_links
from subscriptions.models import Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.browser

MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()


@pytest.fixture
def active(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    return Subscription.objects.get(pk=payment.subscription_id, status=Subscription.Status.ACTIVE)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_cancel_with_confirmation_and_the_mail_then_undo(request, device, active, customer, password, latest_mail):
    page = request.getfixturevalue(device)
    last_day = active.paid_through
    shown = f"{last_day.day} {MONTHS[last_day.month - 1]} {last_day.year}"
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")

    page.get_by_role("link", name="Abonnement opzeggen").click()
    expect(page.get_by_role("heading", name="Abonnement opzeggen")).to_be_visible()
    facts = page.locator("main .cancel-facts")
    expect(facts).to_contain_text(f"Uw abonnement eindigt aan het einde van de betaalde termijn, op {shown}.")
    expect(facts).to_contain_text("Er wordt daarna niets meer afgeschreven.")
    expect(facts).to_contain_text("Uw facturen blijven in het portaal beschikbaar")
    assert not has_horizontal_scroll(page)

    page.get_by_role("link", name="Nee, terug").click()  # changes nothing
    expect(page.get_by_role("link", name="Abonnement opzeggen")).to_be_visible()
    active.refresh_from_db()
    assert not active.cancel_at_period_end

    page.get_by_role("link", name="Abonnement opzeggen").click()
    page.get_by_role("button", name="Ja, abonnement opzeggen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Het loopt nog tot en met {shown}")
    expect(page.get_by_text(f"Opgezegd: uw abonnement loopt tot en met {shown}.")).to_be_visible()
    active.refresh_from_db()
    assert active.cancel_at_period_end

    message = latest_mail(to=customer.email, subject_contains="Uw opzegging:")
    assert f"tot en met {shown}" in message.subject
    assert "Er wordt niets meer afgeschreven." in message.body
    (link,) = mail_links(message, contains="/portal/abonnement/")
    page.goto(link)  # the mail's link leads to the undo button
    page.get_by_role("button", name="Opzegging intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("Uw opzegging is ingetrokken")
    undone = latest_mail(to=customer.email, subject_contains="Uw opzegging is ingetrokken")
    assert "Uw abonnement loopt gewoon door." in undone.body
    active.refresh_from_db()
    assert not active.cancel_at_period_end
