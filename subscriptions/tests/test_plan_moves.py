# ruff: noqa: F811  (the shared fixtures are parameters of the tests)
"""Every plan move confirmed and reversible: monthly ↔ yearly through Mollie (the charge on
the mandate, Mollie's subscription replaced), a scheduled change withdrawn with Mollie set
back, stale and tampered confirmation pages refused. Both sides of each boundary with time
travel, through the real client against the sandbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import Invoice, Payment, Plan, PlanChange, Subscription
from subscriptions.tests.test_plan_change import (  # noqa: F401  (fixtures shared)
    PERIOD_END,
    QUOTE,
    _at,
    _change,
    _client,
    _confirm_page,
    active,
    premium,
    small,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly(db) -> Plan:
    return Plan.objects.create(name="Jaar", price=Decimal("290.00"), interval=Plan.Interval.YEAR)


def _remotes(subscription: Subscription) -> list[tuple[str, str, str, str]]:
    """Mollie's subscriptions of ``subscription``, oldest first: (status, interval, amount, start)."""
    ids = subscription.remote_subscriptions.order_by("id").values_list("mollie_id", flat=True)
    out = []
    for mollie_id in ids:
        data = SandboxObject.objects.get(pk=mollie_id).data
        out.append((data["status"], data["interval"], data["amount"]["value"], data["startDate"]))
    return out


# --- monthly → yearly: at once, the unused days of the month credited ---------------------------


def test_monthly_to_yearly_charges_the_year_minus_the_unused_days_and_replaces_mollies_subscription(active, yearly):
    # 11 March: 21 of March's 31 days unused (11..31): € 29,00 × 21/31 = € 19,65 credited;
    # € 290,00 − € 19,65 = € 270,35 excl. VAT, € 327,12 incl. 21 % VAT.
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        page = _confirm_page(_client(active.user), active, yearly).content.decode()
    assert "€ 270,35 excl. btw + € 56,77 btw = <strong>€ 327,12</strong> incl. btw" in page
    assert "min € 19,65 excl. btw voor de ongebruikte dagen" in page
    assert "€ 350,90 op 11 maart 2028" in page  # the next automatic payment
    assert not PlanChange.objects.exists()  # the page changes nothing

    response = _change(active, yearly, _at(date(2027, 3, 11), 10))
    assert "Uw abonnement is gewijzigd naar Jaar." in response.content.decode()
    active.refresh_from_db()
    assert active.plan == yearly and active.amount_gross == Decimal("350.90")
    assert active.current_period_end == date(2028, 3, 11)
    charge = Payment.objects.get(purpose=Payment.Purpose.PRORATION)
    assert charge.amount == Decimal("327.12") and charge.status == Payment.Status.PAID
    invoice = Invoice.objects.get(payment=charge)
    assert (invoice.period_start, invoice.period_end) == (date(2027, 3, 11), date(2028, 3, 10))
    assert "min € 19,65 excl. btw voor de ongebruikte dagen" in invoice.description
    assert _remotes(active) == [
        ("canceled", "1 month", "35.09", "2027-04-01"),
        ("active", "12 months", "350.90", "2028-03-11"),
    ]
    [message] = [m for m in mail.outbox if m.subject == "Uw abonnementsvorm is gewijzigd"]
    assert "Vanaf de volgende termijn wordt € 350,90 per termijn afgeschreven." in message.body


def test_monthly_to_yearly_on_the_last_paid_day_credits_one_day_and_the_next_day_is_refused(active, yearly):
    # 31 March 23:50: 1 of 31 days unused: € 0,94; € 289,06 excl., € 349,76 incl. VAT.
    with time_machine.travel(_at(date(2027, 3, 31), 23, 50)):
        page = _confirm_page(_client(active.user), active, yearly).content.decode()
    assert "<strong>€ 349,76</strong> incl. btw" in page
    # 1 April 00:10: the April charge is due; the move waits until it is in.
    response = _change(active, yearly, _at(PERIOD_END, 0, 10))
    assert "Uw volgende termijn wordt nu afgeschreven." in response.content.decode()
    assert not PlanChange.objects.exists() and not Payment.objects.filter(purpose=Payment.Purpose.PRORATION).exists()


def test_a_failed_yearly_charge_changes_nothing_and_keeps_the_monthly_subscription(active, yearly):
    # the customer revoked the mandate at their bank: Mollie refuses the charge
    SandboxObject.objects.filter(pk=active.mandate_id).update(
        data={**SandboxObject.objects.get(pk=active.mandate_id).data, "status": "invalid"}
    )
    response = _change(active, yearly, _at(date(2027, 3, 11), 10))
    assert "Uw abonnementsvorm is niet gewijzigd" in response.content.decode()
    active.refresh_from_db()
    assert active.plan.name == "Basis" and active.current_period_end == PERIOD_END
    assert PlanChange.objects.get().status == PlanChange.Status.FAILED
    assert _remotes(active) == [("active", "1 month", "35.09", "2027-04-01")]


# --- yearly → monthly: at the end of the paid year ----------------------------------------------


@pytest.fixture
def yearly_active(mollie_sandbox, customer, yearly) -> Subscription:
    from subscriptions.tests.conftest import checkout

    with time_machine.travel(_at(date(2027, 3, 1), 10)):
        response = _client(customer).post(f"/portal/abonnement/afsluiten/{yearly.pk}/")
        checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(user=customer)
    assert subscription.current_period_end == date(2028, 3, 1)
    mail.outbox.clear()
    return subscription


def test_yearly_to_monthly_is_scheduled_for_the_end_of_the_year_and_mollie_charges_monthly_from_then(
    yearly_active, plan
):
    # The last paid day (29 February 2028) it can still be scheduled; on 1 March it is refused.
    response = _change(yearly_active, plan, _at(date(2028, 2, 29), 23, 50))
    assert "Ingepland: per 1 maart 2028 gaat uw abonnement over naar Basis." in response.content.decode()
    yearly_active.refresh_from_db()
    assert yearly_active.plan.name == "Jaar"  # the paid year stays as paid
    assert _remotes(yearly_active) == [
        ("canceled", "12 months", "350.90", "2028-03-01"),
        ("active", "1 month", "35.09", "2028-03-01"),
    ]
    with time_machine.travel(_at(date(2028, 3, 1), 10)):
        charge = controls.charge(_remotes_ids(yearly_active)[-1], outcome="paid")
    payment = Payment.objects.get(mollie_id=charge.id)
    yearly_active.refresh_from_db()
    assert payment.amount == Decimal("35.09") and yearly_active.plan.name == "Basis"
    assert yearly_active.current_period_end == date(2028, 4, 1)  # a month, not a year


def test_yearly_to_monthly_on_the_renewal_day_is_refused(yearly_active, plan):
    response = _change(yearly_active, plan, _at(date(2028, 3, 1), 0, 10))
    assert "Uw volgende termijn wordt nu afgeschreven." in response.content.decode()
    assert not PlanChange.objects.exists()


def _remotes_ids(subscription: Subscription) -> list[str]:
    return list(subscription.remote_subscriptions.order_by("id").values_list("mollie_id", flat=True))


# --- withdrawing a scheduled change --------------------------------------------------------------


def test_a_scheduled_downgrade_is_withdrawn_and_mollie_charges_the_old_amount_again(active, small):
    _change(active, small, _at(date(2027, 3, 11), 10))
    assert _remotes(active)[-1][2] == "22.99"
    mail.outbox.clear()
    with time_machine.travel(_at(date(2027, 3, 31), 23, 50)):  # the last day it still can
        response = _client(active.user).post(f"/portal/abonnement/{active.pk}/wijziging-intrekken/", follow=True)
        page = response.content.decode()
    assert "De overstap naar Klein is ingetrokken. Uw abonnement blijft Basis." in page
    change = PlanChange.objects.get()
    assert change.status == PlanChange.Status.CANCELED and change.withdrawn_at and change.mollie_restored_at
    assert _remotes(active) == [("active", "1 month", "35.09", "2027-04-01")]
    event = AuditEvent.objects.get(action="subscription.plan_change_withdrawn")
    assert event.actor_id == active.user_id
    [message] = mail.outbox
    assert message.subject == "Uw wijziging van abonnementsvorm is ingetrokken"
    assert "op 1 april 2027 wordt € 35,09 afgeschreven" in message.body
    # A second click: nothing left to withdraw, nothing changes at Mollie.
    with time_machine.travel(_at(date(2027, 3, 31), 23, 51)):
        again = _client(active.user).post(f"/portal/abonnement/{active.pk}/wijziging-intrekken/", follow=True)
    assert "Er is geen ingeplande wijziging om in te trekken." in again.content.decode()
    assert AuditEvent.objects.filter(action="subscription.plan_change_withdrawn").count() == 1


def test_a_scheduled_change_cannot_be_withdrawn_once_it_took_effect(active, small):
    _change(active, small, _at(date(2027, 3, 11), 10))
    with time_machine.travel(_at(PERIOD_END, 0, 10)):
        response = _client(active.user).post(f"/portal/abonnement/{active.pk}/wijziging-intrekken/", follow=True)
    assert "Deze wijziging is al ingegaan en kan niet meer worden ingetrokken." in response.content.decode()
    assert PlanChange.objects.get().status == PlanChange.Status.SCHEDULED
    assert _remotes(active)[-1][2] == "22.99"


def test_withdrawing_yearly_to_monthly_puts_the_yearly_subscription_back_at_mollie(yearly_active, plan):
    _change(yearly_active, plan, _at(date(2027, 6, 1), 10))
    with time_machine.travel(_at(date(2027, 6, 2), 10)):
        _client(yearly_active.user).post(f"/portal/abonnement/{yearly_active.pk}/wijziging-intrekken/")
    live = [r for r in _remotes(yearly_active) if r[0] == "active"]
    assert live == [("active", "12 months", "350.90", "2028-03-01")]
    with time_machine.travel(_at(date(2027, 6, 2), 10)):
        page = _client(yearly_active.user).get("/portal/abonnement/").content.decode()
    assert "volgende automatische betaling: € 350,90." in page


def test_withdrawal_retried_by_reconciliation_when_mollie_was_unreachable(active, small, monkeypatch):
    from portal.celery import app
    from subscriptions.services.plan_change import PLAN_CHANGE_MOLLIE_UPDATE

    _change(active, small, _at(date(2027, 3, 11), 10))
    with time_machine.travel(_at(date(2027, 3, 12), 10)):
        # the follow-up task is lost (say the queue was down): reconciliation must do it
        with monkeypatch.context() as patched:
            patched.setattr(app.tasks[PLAN_CHANGE_MOLLIE_UPDATE], "delay", lambda *args, **kwargs: None)
            _client(active.user).post(f"/portal/abonnement/{active.pk}/wijziging-intrekken/")
        controls.add_fault("http_503", target="PATCH customers/*/subscriptions/*", count=30)
        services.self_service_repair()  # Mollie unreachable: logged, tried again next run
    change = PlanChange.objects.get()
    assert change.status == PlanChange.Status.CANCELED and change.mollie_restored_at is None
    assert _remotes(active)[-1][2] == "22.99"
    controls.clear_faults()
    with time_machine.travel(_at(date(2027, 3, 12), 11)):
        services.self_service_repair()
    change.refresh_from_db()
    assert change.mollie_restored_at is not None
    assert _remotes(active)[-1][2] == "35.09"


# --- the confirmation page: stale, tampered, double ---------------------------------------------


def test_a_stale_confirmation_page_changes_nothing(active, premium):
    # Opened on 11 March (charge for 21 days), confirmed on 12 March (20 days): refused.
    with time_machine.travel(_at(date(2027, 3, 11), 23, 58)):
        client = _client(active.user)
        fingerprint = QUOTE.search(_confirm_page(client, active, premium).content.decode()).group(1)
    with time_machine.travel(_at(date(2027, 3, 12), 0, 1)):
        response = client.post(
            f"/portal/abonnement/{active.pk}/abonnementsvorm/{premium.pk}/bevestigen/",
            {"confirm": "ja", "quote": fingerprint},
            follow=True,
        )
    assert "De gegevens op de bevestigingspagina zijn niet meer actueel." in response.content.decode()
    assert not PlanChange.objects.exists() and not Payment.objects.filter(purpose=Payment.Purpose.PRORATION).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"confirm": "ja"}, {"confirm": "nee", "quote": "0" * 32}, {"confirm": "ja", "quote": "<script>"}],
)
def test_a_confirmation_without_button_or_quote_changes_nothing(active, premium, data):
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        response = _client(active.user).post(
            f"/portal/abonnement/{active.pk}/abonnementsvorm/{premium.pk}/bevestigen/", data
        )
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.FOUND)
    assert not PlanChange.objects.exists()


@pytest.mark.parametrize("plan_id", ["999999", "99999999999999999999"])
def test_a_tampered_plan_id_gets_a_clear_message(active, plan_id):
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        response = _client(active.user).get(
            f"/portal/abonnement/{active.pk}/abonnementsvorm/{plan_id}/bevestigen/", follow=True
        )
    assert response.status_code == HTTPStatus.OK
    assert "Kies een abonnementsvorm uit de lijst." in response.content.decode()


def test_a_double_confirmation_charges_once(active, premium):
    with time_machine.travel(_at(date(2027, 3, 11), 10)):
        client = _client(active.user)
        fingerprint = QUOTE.search(_confirm_page(client, active, premium).content.decode()).group(1)
        url = f"/portal/abonnement/{active.pk}/abonnementsvorm/{premium.pk}/bevestigen/"
        client.post(url, {"confirm": "ja", "quote": fingerprint})
        again = client.post(url, {"confirm": "ja", "quote": fingerprint}, follow=True)
    assert "U heeft deze abonnementsvorm al." in again.content.decode()
    assert Payment.objects.filter(purpose=Payment.Purpose.PRORATION).count() == 1


def test_the_dashboard_and_the_overview_show_the_next_payment_with_a_scheduled_change(active, small):
    _change(active, small, _at(date(2027, 3, 11), 10))
    with time_machine.travel(_at(date(2027, 3, 12), 10)):
        client = _client(active.user)
        dashboard = client.get("/portal/").content.decode()
        overview = client.get("/portal/abonnement/").content.decode()
    assert "Volgende betaling op 1 april 2027: € 22,99." in dashboard  # not Basis' € 35,09
    assert "op 1 april 2027 volgt de volgende automatische betaling: € 22,99." in overview
