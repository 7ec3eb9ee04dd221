"""Cancelling: at the end of the paid period (date shown, undoable until then), at once by
staff in the admin, and with the account. Mollie stops charging in every case."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from accounts.services import account_close
from audit.models import AuditEvent
from mollie_sandbox import controls, engine
from mollie_sandbox.models import SandboxObject
from subscriptions import services
from subscriptions.models import Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    return subscription


def _remote_statuses() -> list[str]:
    return [obj.data["status"] for obj in SandboxObject.objects.filter(kind="subscription").order_by("created_at")]


def _at(day, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_cancelling_shows_the_end_date_and_stops_mollie_charging(active, logged_in):
    response = logged_in.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"}, follow=True)
    page = response.content.decode()
    last_day = active.current_period_end - timedelta(days=1)
    shown = f"{last_day.day} {['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'][last_day.month - 1]} {last_day.year}"
    assert f"loopt tot en met {shown}" in page
    assert "Opzegging intrekken" in page
    active.refresh_from_db()
    assert active.cancel_at_period_end and active.status == Subscription.Status.ACTIVE
    assert _remote_statuses() == ["canceled"]
    assert active.active_remote() is None
    assert AuditEvent.objects.filter(action="subscription.cancel_requested", actor_id=active.user_id).count() == 1


def test_undoing_the_cancellation_schedules_the_charges_again(active, logged_in):
    logged_in.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"})
    page = logged_in.post(f"/portal/abonnement/{active.pk}/opzegging-intrekken/", follow=True).content.decode()
    assert "Uw opzegging is ingetrokken" in page and "Abonnement opzeggen" in page
    active.refresh_from_db()
    assert not active.cancel_at_period_end
    assert _remote_statuses() == ["canceled", "active"]
    newest = SandboxObject.objects.filter(kind="subscription").order_by("-created_at").first()
    assert newest.data["startDate"] == active.current_period_end.isoformat()
    assert active.active_remote().mollie_id == newest.id


def test_the_subscription_ends_when_the_paid_period_is_over_and_not_a_moment_before(active, logged_in, customer):
    logged_in.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"})
    end = active.current_period_end
    with time_machine.travel(_at(end) - timedelta(seconds=1)):
        assert services.reconcile().subscriptions_ended == 0
        active.refresh_from_db()
        assert active.status == Subscription.Status.ACTIVE
    with time_machine.travel(_at(end, 0, 1)):
        later = Client()  # a month later: a new session
        later.force_login(customer)
        page = later.get("/portal/abonnement/").content.decode()
        assert "Opgezegd" in page
        report = services.reconcile()
        page = later.get("/portal/abonnement/").content.decode()
        assert "Kies een abonnement" in page and "afgelopen" in page
    assert report.subscriptions_ended == 1
    active.refresh_from_db()
    assert active.status == Subscription.Status.ENDED and active.ended_at == _at(end)
    assert active.cancel_at_period_end


def test_undo_is_refused_once_the_period_is_over(active, logged_in, customer):
    logged_in.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"})
    with time_machine.travel(_at(active.current_period_end, 9)):
        later = Client()
        later.force_login(customer)
        page = later.post(f"/portal/abonnement/{active.pk}/opzegging-intrekken/", follow=True).content.decode()
    assert "De termijn is al afgelopen" in page
    active.refresh_from_db()
    assert active.cancel_at_period_end


def test_someone_else_cannot_cancel_my_subscription(active, make_user):
    intruder = Client()
    intruder.force_login(make_user("indringer"))
    assert (
        intruder.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"}).status_code
        == HTTPStatus.NOT_FOUND
    )
    active.refresh_from_db()
    assert not active.cancel_at_period_end


def test_staff_end_a_subscription_through_the_customer_action_not_silently_from_the_list(active, make_user):
    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    admin = Client()
    admin.force_login(staff)
    listing = admin.get("/admin/subscriptions/subscription/").content.decode()
    assert 'value="cancel_now"' not in listing  # no bulk end without reason, refund choice or mail
    response = admin.post(
        f"/admin/accounts/user/{active.user_id}/klantactie/cancel/",
        {"subscription": active.pk, "refund": "pro_rata", "reason": "Fraude"},
    )
    assert response.status_code == HTTPStatus.FOUND
    active.refresh_from_db()
    assert active.status == Subscription.Status.CANCELED and active.ended_at is not None
    assert _remote_statuses() == ["canceled"]
    event = AuditEvent.objects.get(action="subscription.canceled")
    assert event.actor_id == staff.pk and event.actor_kind == "staff"


def test_closing_the_account_cancels_the_subscription_at_mollie(active, customer):
    account_close(user=customer, by=customer, reason="")
    active.refresh_from_db()
    assert active.status == Subscription.Status.CANCELED and active.end_reason == "account closed"
    assert _remote_statuses() == ["canceled"]


def test_staff_refund_in_the_admin_is_done_once_and_recorded_when_mollie_reports_it(active, make_user):
    from decimal import Decimal

    from subscriptions.models import Payment

    staff = make_user("boekhouding", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    admin = Client()
    admin.force_login(staff)
    payment = Payment.objects.get(subscription=active)
    controls.add_fault("webhook_hold", count=5)  # Mollie's answer comes later
    for _ in range(2):  # a double click before Mollie reported the first refund
        admin.post("/admin/subscriptions/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]})
    assert SandboxObject.objects.filter(kind="refund").count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0")  # not until Mollie says so
    engine.webhook_release_held()
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount and payment.status == Payment.Status.PAID
    assert AuditEvent.objects.filter(action="payment.refunded", actor_id=staff.pk).count() == 2
    assert AuditEvent.objects.filter(action="payment.refunded", actor_kind="system").count() == 1
    page = admin.post(
        "/admin/subscriptions/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]}, follow=True
    )
    assert "Het bedrag moet tussen" in page.content.decode()
    assert SandboxObject.objects.filter(kind="refund").count() == 1


def test_a_charge_still_pending_when_the_customer_cancels_decides_before_the_end(active):
    """SEPA: Mollie starts the next period's charge on its due date and it stays pending for
    days. A cancellation in those days does not end the subscription under a charge that is
    then paid: the paid period is the customer's, and the end follows it."""
    from subscriptions.models import Invoice, Payment

    end = active.current_period_end
    with time_machine.travel(_at(end, 10)):
        charge = controls.charge(active.active_remote().mollie_id, outcome="pending")
    with time_machine.travel(_at(end + timedelta(days=1), 9)):
        browser = Client()  # a month later: a new session
        browser.force_login(active.user)
        response = browser.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"})
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/portal/abonnement/"
        services.reconcile()
        active.refresh_from_db()
        assert active.status == Subscription.Status.ACTIVE and active.cancel_at_period_end  # waits for the charge
    with time_machine.travel(_at(end + timedelta(days=3), 9)):
        controls.set_status(charge.id, "paid")
        services.payment_sync(mollie_id=charge.id)
        active.refresh_from_db()
        assert active.current_period_end > end  # the charge paid one more period
        assert Invoice.objects.filter(payment__mollie_id=charge.id).exists()
        services.reconcile()
        active.refresh_from_db()
        assert active.status == Subscription.Status.ACTIVE
    with time_machine.travel(_at(active.current_period_end, 0)):
        services.reconcile()
        active.refresh_from_db()
        assert active.status == Subscription.Status.ENDED  # at the end of the period it paid
    assert Payment.objects.get(mollie_id=charge.id).status == "paid"


def test_a_charge_paid_after_the_subscription_ended_does_not_revive_it(active):
    """E.g. Mollie's retry paid after dunning or staff ended the subscription: the money is
    recorded, not invoiced (no period is delivered) and refunded in full by the hourly job;
    the subscription stays ended (docs/billing.md, "Late payments")."""
    from subscriptions.models import Invoice

    end = active.current_period_end
    with time_machine.travel(_at(end, 10)):
        charge = controls.charge(active.active_remote().mollie_id, outcome="pending")
    with time_machine.travel(_at(end, 11)):
        services.subscription_cancel_now(subscription=active, system="billing", reason="test: ended by staff")
    with time_machine.travel(_at(end + timedelta(days=3), 9)):
        controls.set_status(charge.id, "paid")
        services.payment_sync(mollie_id=charge.id)
    active.refresh_from_db()
    assert active.status == Subscription.Status.CANCELED and active.current_period_end == end
    assert not Invoice.objects.filter(payment__mollie_id=charge.id).exists()
    from subscriptions.models import Payment
    from subscriptions.services import closure

    assert Payment.objects.get(mollie_id=charge.id).late_refund == Payment.LateRefund.DUE
    with time_machine.travel(_at(end + timedelta(days=3), 9, 41)):
        assert closure.late_charges_refund() == 1
    late = Payment.objects.get(mollie_id=charge.id)
    assert late.amount_refunded == late.amount and late.late_refund == Payment.LateRefund.REFUNDED
