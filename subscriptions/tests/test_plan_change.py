"""Changing plan: an upgrade at once with a pro-rata charge on the mandate (invoiced), a
downgrade from the next period, Mollie's subscription charging the new amount from its next
charge; both sides of each boundary with time travel; hostile input changes nothing here or
at Mollie. Through the real client against the sandbox, as the other billing tests."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time
from decimal import Decimal
from threading import Barrier

import pytest
import requests
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import Invoice, Payment, Plan, PlanChange, Subscription
from subscriptions.tests.conftest import browser_session, checkout
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)  # paid on 1 March: the period runs up to (not including) 1 April
PERIOD_END = date(2027, 4, 1)


def _at(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def premium(db) -> Plan:
    return Plan.objects.create(name="Premium", price=Decimal("49.00"), interval=Plan.Interval.MONTH)


@pytest.fixture
def small(db) -> Plan:
    return Plan.objects.create(name="Klein", price=Decimal("19.00"), interval=Plan.Interval.MONTH)


@pytest.fixture
def active(mollie_sandbox, customer, plan) -> Subscription:
    with time_machine.travel(_at(START, 10)):
        response = _client(customer).post(f"/portal/abonnement/afsluiten/{plan.pk}/")
        checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    assert subscription.status == Subscription.Status.ACTIVE and subscription.current_period_end == PERIOD_END
    mail.outbox.clear()
    return subscription


def _remote(subscription: Subscription) -> dict:
    return SandboxObject.objects.get(pk=subscription.remote_subscriptions.get().mollie_id).data


def _mollie_payments() -> int:
    return SandboxObject.objects.filter(kind="payment").count()


QUOTE = re.compile(r'name="quote" value="([0-9a-f]{32})"')


def _confirm_page(client: Client, subscription: Subscription, plan: Plan):
    """Choose ``plan`` on the plan page: the answer is its confirmation page."""
    return client.post(f"/portal/abonnement/{subscription.pk}/abonnementsvorm/", {"plan": str(plan.pk)}, follow=True)


def _change(subscription: Subscription, plan: Plan, at: datetime):
    """Choose ``plan`` and press "Bevestigen" on its confirmation page (at ``at``)."""
    with time_machine.travel(at):
        client = _client(subscription.user)
        page = _confirm_page(client, subscription, plan)
        found = QUOTE.search(page.content.decode())
        if found is None:  # refused before the confirmation page: its message
            return page
        return client.post(
            f"/portal/abonnement/{subscription.pk}/abonnementsvorm/{plan.pk}/bevestigen/",
            {"confirm": "ja", "quote": found.group(1)},
            follow=True,
        )


# --- upgrade at once --------------------------------------------------------------------------


def test_an_upgrade_charges_the_remaining_days_at_once_invoices_them_and_updates_mollie(active, premium, customer):
    response = _change(active, premium, _at(date(2027, 3, 11), 10))
    assert "Uw abonnement is gewijzigd naar Premium." in response.content.decode()
    active.refresh_from_db()
    assert active.plan == premium and active.amount_gross == Decimal("59.29")
    assert active.current_period_end == PERIOD_END  # the paid period stays
    # 21 of 31 days left (11 to 31 March): (49 - 29) × 21 / 31 = 13.55 net, 16.40 with 21% VAT
    charge = Payment.objects.get(purpose=Payment.Purpose.PRORATION)
    assert charge.status == Payment.Status.PAID and charge.amount == Decimal("16.40")
    invoice = Invoice.objects.get(payment=charge)
    assert (invoice.amount_net, invoice.vat_amount, invoice.amount_gross) == (
        Decimal("13.55"),
        Decimal("2.85"),
        Decimal("16.40"),
    )
    assert (invoice.period_start, invoice.period_end) == (date(2027, 3, 11), date(2027, 3, 31))
    assert "Premium" in invoice.description and "pro rata" in invoice.description
    remote_charge = SandboxObject.objects.get(pk=charge.mollie_id).data
    assert remote_charge["sequenceType"] == "recurring" and remote_charge["mandateId"] == active.mandate_id
    remote = _remote(active)
    assert remote["amount"]["value"] == "59.29" and "Premium" in remote["description"]
    change = PlanChange.objects.get()
    assert change.status == PlanChange.Status.APPLIED and change.mollie_updated_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "subscription.plan_change_requested",
        "subscription.plan_changed",
        "subscription.plan_change_mollie_updated",
    } <= actions
    [message] = [m for m in mail.outbox if m.subject == "Uw abonnementsvorm is gewijzigd"]
    assert message.to == [customer.email]
    # the pro-rata charge's invoice is mailed like every paid payment's (with its PDF)
    [invoice_mail] = [m for m in mail.outbox if m.subject.startswith(f"Factuur {invoice.number} ")]
    assert invoice_mail.attachments
    assert "van Basis naar Premium" in message.body and "€ 59,29" in message.body


def test_after_an_upgrade_the_next_charge_is_the_new_amount_and_its_invoice_names_the_new_plan(active, premium):
    _change(active, premium, _at(date(2027, 3, 11), 10))
    with time_machine.travel(_at(PERIOD_END, 10)):
        charge = controls.charge(_remote(active)["id"], outcome="paid")
    payment = Payment.objects.get(mollie_id=charge.id)
    assert payment.amount == Decimal("59.29")
    invoice = Invoice.objects.get(payment=payment)
    assert "Premium" in invoice.description and "pro rata" not in invoice.description
    active.refresh_from_db()
    assert active.current_period_end == date(2027, 5, 1)


def test_a_reverse_charge_customer_pays_the_net_difference(mollie_sandbox, make_user, plan, premium):
    from accounts.models import Profile

    user = make_user("bedrijf")
    Profile.objects.filter(user=user).update(country="BE", vat_id="BE0123456789", company_name="Bedrijf BV")
    vies_confirmed(user, at=_at(START, 9))  # reverse charge needs VIES's recent "valid"
    vies_confirmed(user, at=_at(date(2027, 3, 11), 9))
    with time_machine.travel(_at(START, 10)):
        response = _client(user).post(f"/portal/abonnement/afsluiten/{plan.pk}/")
        checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=user)
    assert subscription.reverse_charge
    _change(subscription, premium, _at(date(2027, 3, 11), 10))
    charge = Payment.objects.get(purpose=Payment.Purpose.PRORATION)
    assert charge.amount == Decimal("13.55")
    assert Invoice.objects.get(payment=charge).reverse_charge
    subscription.refresh_from_db()
    assert subscription.amount_gross == Decimal("49.00")


def test_an_upgrade_on_the_last_day_of_the_period_charges_one_day(active, premium):
    _change(active, premium, _at(date(2027, 3, 31), 23, 59, 59))
    charge = Payment.objects.get(purpose=Payment.Purpose.PRORATION)
    assert charge.amount == Decimal("0.79")  # (49 - 29) × 1 / 31 = 0.65 net, 0.79 with VAT
    active.refresh_from_db()
    assert active.plan.name == "Premium"


def test_an_upgrade_once_the_next_period_is_due_is_refused_and_changes_nothing(active, premium):
    before = _mollie_payments()
    response = _change(active, premium, _at(PERIOD_END, 0, 0, 1))
    assert "Uw volgende termijn wordt nu afgeschreven" in response.content.decode()
    active.refresh_from_db()
    assert active.plan.name == "Basis" and not PlanChange.objects.exists()
    assert _mollie_payments() == before and _remote(active)["amount"]["value"] == "35.09"


def test_a_failed_pro_rata_charge_changes_nothing(active, premium, customer):
    # the customer revoked the mandate at their bank: Mollie refuses the charge
    SandboxObject.objects.filter(pk=active.mandate_id).update(
        data={**SandboxObject.objects.get(pk=active.mandate_id).data, "status": "invalid"}
    )
    response = _change(active, premium, _at(date(2027, 3, 11), 10))
    assert "Uw abonnementsvorm is niet gewijzigd" in response.content.decode()
    active.refresh_from_db()
    assert active.plan.name == "Basis" and active.status == Subscription.Status.ACTIVE
    assert PlanChange.objects.get().status == PlanChange.Status.FAILED
    assert not Invoice.objects.filter(payment__purpose=Payment.Purpose.PRORATION).exists()
    assert _remote(active)["amount"]["value"] == "35.09"
    assert AuditEvent.objects.filter(action="subscription.plan_change_failed").count() == 1
    assert [m.subject for m in mail.outbox] == ["Uw abonnementsvorm is niet gewijzigd"]


# --- downgrade at the next period -------------------------------------------------------------


def test_a_downgrade_is_scheduled_for_the_next_period_and_mollie_charges_the_new_amount_from_then(
    active, small, customer
):
    response = _change(active, small, _at(date(2027, 3, 11), 10))
    assert "Ingepland: per 1 april 2027 gaat uw abonnement over naar Klein." in response.content.decode()
    active.refresh_from_db()
    assert active.plan.name == "Basis" and active.amount_gross == Decimal("35.09")  # this period as paid
    change = PlanChange.objects.get()
    assert change.status == PlanChange.Status.SCHEDULED and change.effective_on == PERIOD_END
    assert _remote(active)["amount"]["value"] == "22.99"  # Mollie's next charge is the new amount
    assert not Payment.objects.filter(purpose=Payment.Purpose.PRORATION).exists()  # nothing refunded or charged
    assert [m.subject for m in mail.outbox] == ["Uw wijziging van abonnementsvorm is ingepland"]
    with time_machine.travel(_at(PERIOD_END, 10)):
        charge = controls.charge(_remote(active)["id"], outcome="paid")
    payment = Payment.objects.get(mollie_id=charge.id)
    active.refresh_from_db()
    assert payment.amount == Decimal("22.99") and active.plan.name == "Klein"
    assert "Klein" in Invoice.objects.get(payment=payment).description
    assert PlanChange.objects.get().status == PlanChange.Status.APPLIED


def test_a_scheduled_downgrade_takes_effect_at_the_boundary_and_not_a_second_before(active, small):
    _change(active, small, _at(date(2027, 3, 11), 10))
    with time_machine.travel(_at(date(2027, 3, 31), 23, 59, 59)):
        assert services.plan_changes_due() == 0
    active.refresh_from_db()
    assert active.plan.name == "Basis"
    with time_machine.travel(_at(PERIOD_END, 0, 0, 1)):
        assert services.plan_changes_due() == 1
        assert services.plan_changes_due() == 0  # once
    active.refresh_from_db()
    assert active.plan.name == "Klein" and active.amount_gross == Decimal("22.99")


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Kies een abonnementsvorm uit de lijst."),
        ("abc", "Kies een abonnementsvorm uit de lijst."),
        ("x" * 10_000, "Kies een abonnementsvorm uit de lijst."),
        ("<script>alert(1)</script>", "Kies een abonnementsvorm uit de lijst."),
        ("1\x00", "Kies een abonnementsvorm uit de lijst."),
        ("999999", "Kies een abonnementsvorm uit de lijst."),
    ],
)
def test_hostile_plan_values_get_a_message_and_change_nothing(active, value, message):
    before = _mollie_payments()
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        response = _client(active.user).post(
            f"/portal/abonnement/{active.pk}/abonnementsvorm/", {"plan": value}, follow=True
        )
    assert response.status_code == 200 and message in response.content.decode()
    assert not PlanChange.objects.exists() and _mollie_payments() == before


def test_the_current_and_an_inactive_plan_are_refused(active, plan):
    retired = Plan.objects.create(name="Oud", price=Decimal("99.00"), active=False)
    for chosen, message in (
        (plan, "U heeft deze abonnementsvorm al."),
        (retired, "Deze abonnementsvorm is niet meer af te sluiten."),
    ):
        response = _change(active, chosen, _at(date(2027, 3, 11), 10))
        assert message in response.content.decode()
    assert not PlanChange.objects.exists() and _remote(active)["amount"]["value"] == "35.09"


def test_another_customers_subscription_is_not_found(active, make_user, premium):
    other = _client(make_user("ander"))
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        assert other.get(f"/portal/abonnement/{active.pk}/abonnementsvorm/").status_code == 404
        assert other.post(f"/portal/abonnement/{active.pk}/abonnementsvorm/", {"plan": premium.pk}).status_code == 404
    assert not PlanChange.objects.exists()


def test_a_second_change_while_one_is_scheduled_is_refused(active, small, premium):
    _change(active, small, _at(date(2027, 3, 11), 10))
    response = _change(active, premium, _at(date(2027, 3, 12), 10))
    assert "Er loopt al een wijziging van uw abonnementsvorm." in response.content.decode()
    assert PlanChange.objects.count() == 1


def test_the_page_lists_every_other_plan_with_what_is_charged_now(active, premium, small, yearly_plan):
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        page = _client(active.user).get(f"/portal/abonnement/{active.pk}/abonnementsvorm/").content.decode()
    assert "Premium" in page and "Klein" in page and "Jaar" in page
    assert "nu af te schrijven: € 16,40" in page
    # the yearly plan: € 290,00 minus the 21 unused days of March (€ 19,65), plus VAT
    assert "nu af te schrijven: € 327,12" in page


@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_eight_concurrent_plan_changes_make_one_change_and_one_charge(mollie_sandbox, customer, plan, premium):
    response = _client(customer).post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    sessions = [browser_session(customer, mollie_sandbox.url) for _ in range(8)]
    barrier = Barrier(len(sessions))
    url = mollie_sandbox.url + f"/portal/abonnement/{subscription.pk}/abonnementsvorm/{premium.pk}/bevestigen/"
    quote = QUOTE.search(sessions[0].get(url, timeout=30).text).group(1)

    def click(session: requests.Session) -> int:
        barrier.wait()
        return session.post(url, {"confirm": "ja", "quote": quote}, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        statuses = list(pool.map(click, sessions))
    assert statuses == [302] * 8
    assert PlanChange.objects.count() == 1
    assert Payment.objects.filter(purpose=Payment.Purpose.PRORATION).count() == 1
    assert SandboxObject.objects.filter(kind="payment", data__sequenceType="recurring").count() == 1


def test_after_seven_years_the_changes_go_with_the_subscription_and_the_export_lists_them(active, premium, customer):
    from subscriptions.personal_data import dispose_billing, export_billing

    _change(active, premium, _at(date(2027, 3, 11), 10))
    exported = export_billing(customer)
    assert exported["plan_changes"] == [
        {
            "from": "Basis",
            "to": "Premium",
            "status": "applied",
            "effective_on": "2027-03-11",
            "requested_at": PlanChange.objects.get().created_at.isoformat(),
        }
    ]
    counts = dispose_billing([active.pk])
    assert counts["subscriptions.PlanChange"] == 1 and counts["subscriptions.Subscription"] == 1
    assert not PlanChange.objects.exists() and not Payment.objects.exists()


def test_an_english_customer_gets_the_mail_in_english(active, small):
    Subscription.objects.filter(pk=active.pk).update(language="en")
    _change(active, small, _at(date(2027, 3, 11), 10))
    [message] = mail.outbox
    assert message.subject == "Your plan change has been scheduled"
    assert "Your subscription moves from Basis to Klein on 1 April 2027." in message.body


def test_duplicate_webhooks_of_the_pro_rata_charge_change_the_plan_and_invoice_once(active, premium):
    _change(active, premium, _at(date(2027, 3, 11), 10))
    charge = Payment.objects.get(purpose=Payment.Purpose.PRORATION)
    events = AuditEvent.objects.count()
    with time_machine.travel(_at(date(2027, 3, 11), 11)):
        for _ in range(3):
            services.payment_sync(mollie_id=charge.mollie_id)
            Client().post("/webhooks/mollie/", {"id": charge.mollie_id})
    assert AuditEvent.objects.count() == events
    assert Invoice.objects.filter(payment=charge).count() == 1
    assert AuditEvent.objects.filter(action="subscription.plan_changed").count() == 1


def test_mollie_unreachable_during_the_charge_leaves_the_change_waiting_until_reconciliation(active, premium):
    controls.add_fault("http_503", target="POST payments", count=3)  # every attempt of one call
    response = _change(active, premium, _at(date(2027, 3, 11), 10))
    assert "Er is niets afgeschreven; wij proberen de verrekening later automatisch opnieuw." in (
        response.content.decode()
    )
    active.refresh_from_db()
    assert active.plan.name == "Basis" and PlanChange.objects.get().status == PlanChange.Status.CHARGING
    assert not SandboxObject.objects.filter(kind="payment", data__sequenceType="recurring").exists()
    with time_machine.travel(_at(date(2027, 3, 11), 10, 15)):
        services.reconcile()
        assert services.reconcile().changes == 0
    active.refresh_from_db()
    assert active.plan.name == "Premium" and PlanChange.objects.get().status == PlanChange.Status.APPLIED
    assert SandboxObject.objects.filter(kind="payment", data__sequenceType="recurring").count() == 1
    assert _remote(active)["amount"]["value"] == "59.29"
