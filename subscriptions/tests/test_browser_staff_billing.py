"""In a real browser, as Facturatie works (issue 19): a staff member of that role (not a
superuser) finds a paying customer, refunds part of a payment at the Mollie sandbox after
hostile amounts were each refused in Dutch with the range in euro, and ends the subscription
with a reason; support's actions (closing, the confirmation mail, notes) and the privacy
office are not offered, and typed in they answer "Geen toegang"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts import roles
from accounts.models import StaffNote
from accounts.tests.test_browser_staff_roles import expect_no_access, search
from audit.models import AuditEvent
from core.formatting import euro
from mollie_sandbox.models import SandboxObject
from portal.testing.browser import staff_log_in, staff_member
from subscriptions.models import CreditNote, Invoice, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.browser


def refunds() -> list[Decimal]:
    return [Decimal(obj.data["amount"]["value"]) for obj in SandboxObject.objects.filter(kind="refund")]


def test_billing_refunds_part_of_a_payment_and_ends_the_subscription(
    page, browser_log, mollie_sandbox, subscribe, customer, make_user, password, latest_mail
):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert payment.status == Payment.Status.PAID and subscription.status == Subscription.Status.ACTIVE
    number = Invoice.objects.get(payment=payment).number
    with translation.override("nl"):
        paid, cent = euro(payment.amount), euro(Decimal("0.01"))
    billing, secret = staff_member(make_user, "facturatie", roles.BILLING)

    staff_log_in(page, "facturatie", password, secret)
    expect(page.locator("#content-main").get_by_role("link", name="Privacybureau")).to_have_count(0)
    results = search(page, payment.mollie_id)  # found by the Mollie id of the payment
    expect(results).to_have_count(1)
    results.get_by_role("link", name="In één oogopslag").click()
    expect(page.get_by_role("heading", name=f"Klant in één oogopslag: {customer.username}")).to_be_visible()
    main = page.get_by_role("main")
    actions = page.get_by_role("region", name="Klantacties")
    expect(actions.get_by_role("link", name="Betaling terugbetalen")).to_be_visible()
    expect(actions.get_by_role("link", name="Abonnement direct beëindigen")).to_be_visible()
    for support_action in ("Account opheffen", "Bevestigingse-mail opnieuw sturen"):
        expect(actions.get_by_role("link", name=support_action)).to_have_count(0)
    expect(main.get_by_role("button", name="Notitie opslaan")).to_have_count(0)  # notes are support's

    # Part of the payment back: each hostile amount refused with the range, nothing at Mollie.
    actions.get_by_role("link", name="Betaling terugbetalen").click()
    page.locator("#id_payment").select_option(index=1)
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Storing bij de koppeling in maart")
    for amount in ("abc", "-1", "1.000,00", "999,99", "0,001"):
        page.get_by_label("bedrag (EUR, incl. btw)").fill(amount)
        page.get_by_role("button", name="Betaling terugbetalen").click()
        expect(page.get_by_role("main")).to_contain_text(f"Het bedrag moet tussen {cent} en {paid} liggen.")
    assert refunds() == []
    payment.refresh_from_db()
    assert payment.amount_refunded == 0
    page.get_by_label("bedrag (EUR, incl. btw)").fill("10,00")
    page.get_by_role("button", name="Betaling terugbetalen").click()
    with translation.override("nl"):
        asked = euro(Decimal("10.00"))
    expect(page.locator(".messagelist")).to_contain_text(
        f"{asked} terugbetaling aangevraagd bij Mollie; de creditnota volgt."
    )
    assert refunds() == [Decimal("10.00")]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    credit_note = CreditNote.objects.get(invoice__payment=payment)
    assert credit_note.amount_gross == Decimal("-10.00")
    page.goto(f"/admin/accounts/user/{customer.pk}/overzicht/")
    documents = page.get_by_role("region", name="Facturen en creditnota's")
    expect(documents).to_contain_text(credit_note.number)
    expect(documents).to_contain_text(f"creditnota bij {number}")

    # Ending the subscription: nothing back without saying why is refused; then with a why.
    page.get_by_role("region", name="Klantacties").get_by_role("link", name="Abonnement direct beëindigen").click()
    # The customer's one live subscription is chosen already.
    expect(page.locator("#id_subscription option:checked")).to_have_text(
        f"{subscription.plan.name} #{subscription.pk} (actief)"
    )
    page.get_by_role("radio", name="Niets terugbetalen").check()
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Fraude vastgesteld")
    page.get_by_role("button", name="Abonnement direct beëindigen").click()
    expect(page.get_by_role("main")).to_contain_text("Geef aan waarom er niets wordt terugbetaald.")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    page.get_by_role("radio", name="Niets terugbetalen").check()
    page.get_by_label("Waarom niets terugbetalen?").fill("Afgesproken met de klant")
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Fraude vastgesteld")
    page.get_by_role("button", name="Abonnement direct beëindigen").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Het abonnement is direct beëindigd (ook bij Mollie), zonder terugbetaling. De klant is gemaild."
    )
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELED and subscription.end_reason == "Fraude vastgesteld"
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="subscription")] == ["canceled"]
    assert refunds() == [Decimal("10.00")]  # nothing more back
    latest_mail(to=customer.email, subject_contains="beëindigd", timeout=10)
    ended = [e for e in AuditEvent.objects.filter(subject_id=customer.pk) if e.actor_id == billing.pk]
    assert {e.changes.get("admin_action", [None, None])[1] for e in ended} >= {"refund", "cancel"}

    # Support's work and the privacy office, typed in.
    for path in (
        f"/admin/accounts/user/{customer.pk}/klantactie/close/",
        f"/admin/accounts/user/{customer.pk}/klantactie/verify/",
        "/admin/privacy/privacyrequest/",
        "/admin/retention/legalhold/",
    ):
        expect_no_access(page, path)
    page.goto(f"/admin/accounts/user/{customer.pk}/change/")
    for name in ("is_superuser", "is_staff", "groups", "email", "first_name"):
        expect(page.locator(f"[name='{name}']")).to_have_count(0)  # billing only reads the customer
    assert not StaffNote.objects.exists()
    browser_log.assert_clean()
