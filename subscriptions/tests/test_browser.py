"""What a customer does with a subscription, in a real Chromium against the live server and
the sandbox's hosted checkout (issue 4 item 9). The page fixture's teardown also fails a
test on any CSP violation or request to another host."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.testing.browser import log_in
from subscriptions.models import Payment, Subscription

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, mollie_sandbox, customer, password, plan):
    log_in(page, "jansen", password)
    page.goto("/portal/abonnement/")
    return page


def _subscribe(page) -> None:
    page.get_by_role("button", name="Basis afsluiten").click()
    expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()


def _checkout(page, outcome: str) -> None:
    page.get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name="Ga verder").click()


def test_subscribe_and_pay_in_the_checkout_then_see_the_subscription_active(signed_in):
    page = signed_in
    expect(page.get_by_text("€ 35,09")).to_be_visible()
    expect(page.get_by_text("€ 29,00 excl. btw")).to_be_visible()
    _subscribe(page)
    _checkout(page, "paid")
    expect(page).to_have_url(re.compile(r"/portal/abonnement/betaling/\d+/$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("Betaling ontvangen.")
    expect(status).to_contain_text("Uw abonnement is actief")
    page.get_by_role("link", name="Naar uw abonnement").click()
    expect(page.get_by_text(re.compile(r"^Actief · € 35,09 per maand"))).to_be_visible()
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE


def test_a_failed_checkout_offers_a_clear_way_to_try_again(signed_in):
    page = signed_in
    _subscribe(page)
    _checkout(page, "failed")
    status = page.get_by_role("status")
    expect(status).to_contain_text("De betaling is mislukt.")
    expect(status).to_contain_text("Er is niets afgeschreven")
    page.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()
    _checkout(page, "paid")
    expect(page.get_by_role("status")).to_contain_text("Betaling ontvangen.")
    assert list(Payment.objects.order_by("id").values_list("status", flat=True)) == ["failed", "paid"]


def test_cancelling_shows_the_end_date_and_can_be_undone(signed_in):
    page = signed_in
    _subscribe(page)
    _checkout(page, "paid")
    page.get_by_role("link", name="Naar uw abonnement").click()
    subscription = Subscription.objects.get()
    last_day = subscription.paid_through
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    shown = f"{last_day.day} {months[last_day.month - 1]} {last_day.year}"
    page.get_by_role("link", name="Abonnement opzeggen").click()
    page.get_by_role("button", name="Ja, abonnement opzeggen").click()
    expect(page.get_by_role("status")).to_contain_text(f"loopt nog tot en met {shown}")
    expect(page.get_by_text(f"Opgezegd: uw abonnement loopt tot en met {shown}.")).to_be_visible()
    page.get_by_role("button", name="Opzegging intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("Uw opzegging is ingetrokken")
    expect(page.get_by_role("link", name="Abonnement opzeggen")).to_be_visible()


def test_download_the_invoice_and_the_credit_note_after_a_refund(signed_in):
    from decimal import Decimal
    from pathlib import Path

    from mollie_sandbox import controls
    from subscriptions.models import CreditNote, Invoice

    page = signed_in
    _subscribe(page)
    _checkout(page, "paid")
    invoice = Invoice.objects.get()
    controls.refund(Payment.objects.get().mollie_id, Decimal("5.00"))  # staff refunds a part
    note = CreditNote.objects.get()
    page.goto("/portal/abonnement/")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Factuur {invoice.number} (pdf)").click()
    assert download.value.suggested_filename == f"factuur-{invoice.number}.pdf"
    assert Path(download.value.path()).read_bytes() == bytes(invoice.pdf)
    expect(page.get_by_text(f"Creditnota {note.number} bij {invoice.number}")).to_be_visible()
    page.get_by_role("link", name=invoice.number, exact=True).click()
    expect(page.get_by_role("heading", name="Creditnota's bij deze factuur")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Creditnota {note.number} (pdf)").click()
    assert download.value.suggested_filename == f"creditnota-{note.number}.pdf"
    assert Path(download.value.path()).read_bytes() == bytes(CreditNote.objects.get().pdf)


def test_a_failed_automatic_charge_shows_on_the_overview_and_pay_now_makes_it_active_again(
    signed_in, customer, password
):
    import time_machine
    from django.utils import formats, timezone, translation

    from mollie_sandbox import controls

    page = signed_in
    _subscribe(page)
    _checkout(page, "paid")
    expect(page.get_by_role("status")).to_contain_text("Betaling ontvangen.")
    subscription = Subscription.objects.get()
    due = subscription.current_period_end
    with time_machine.travel(
        timezone.make_aware(timezone.datetime.combine(due, timezone.datetime.min.time())).replace(hour=10)
    ):
        controls.charge(subscription.active_remote().mollie_id, outcome="failed")
        subscription.refresh_from_db()
        assert subscription.status == Subscription.Status.SUSPENDED
        with translation.override("nl"):
            failed_on = formats.date_format(due, "j F Y")
            pay_before = formats.date_format(due + timezone.timedelta(days=14), "j F Y")
        log_in(page, "jansen", password)  # (a month later: a new session)
        page.goto("/portal/abonnement/")
        expect(page.get_by_text(f"Betaling mislukt op {failed_on}")).to_be_visible()
        expect(page.get_by_text(f"betaal vóór {pay_before} om uw abonnement te behouden.")).to_be_visible()
        expect(page.get_by_text("Openstaand bedrag: € 35,09 (incl. btw).")).to_be_visible()
        page.get_by_role("button", name="Nu betalen").click()
        expect(page.get_by_role("heading", name="Afrekenen")).to_be_visible()
        _checkout(page, "paid")
        status = page.get_by_role("status")
        expect(status).to_contain_text("Betaling ontvangen.")
        expect(status).to_contain_text("Uw abonnement is actief")
        page.get_by_role("link", name="Naar uw abonnement").click()
        expect(page.get_by_text(re.compile(r"^Actief · € 35,09 per maand"))).to_be_visible()
        expect(page.get_by_text("Betaling mislukt op")).to_have_count(0)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.dunning_since is None
    assert Payment.objects.filter(arrears_of__isnull=False, status="paid").count() == 1
