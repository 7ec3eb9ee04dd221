"""Dunning: what happens when an automatic charge fails. The subscription becomes past due,
the customer gets a mail with a "Nu betalen" link, reminders on day 3 and day 10, and at
the start of day 14 an unpaid subscription ends. "Nu betalen" pays the arrears through
Mollie's checkout with a new mandate, which Mollie's subscription then charges.

Everything goes through the real client against the sandbox over HTTP; failed charges
reach us through the sandbox's webhook, as Mollie's would."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from http import HTTPStatus
from threading import Barrier

import pytest
import requests
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import formats, timezone, translation

from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxFault, SandboxObject
from subscriptions import services
from subscriptions.models import Invoice, MollieSubscription, Payment, Subscription
from subscriptions.tests.conftest import browser_session, checkout

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def _dutch(day: date) -> str:
    with translation.override("nl"):
        return formats.date_format(day, "j F Y")


def _actions(subscription: Subscription) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_id=subscription.user_id, action__startswith="subscription.")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def active(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid")  # creditcard: the first mandate
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    mail.outbox.clear()
    return subscription


def _charge(subscription: Subscription, outcome: str, *, at: datetime | None = None, retry: bool = False) -> Payment:
    """Mollie runs the subscription's next charge (default: on the day it is due, 10:00);
    its webhook reaches us through the live server."""
    remote_id = subscription.remote_subscriptions.get(canceled_at__isnull=True).mollie_id
    at = at or _at(subscription.current_period_end, 10)
    with time_machine.travel(at):
        charge = controls.charge(remote_id, outcome=outcome, retry=retry)
    return Payment.objects.get(mollie_id=charge.id)


@pytest.fixture
def past_due(active) -> Subscription:
    failed = _charge(active, "failed")
    active.refresh_from_db()
    assert active.status == Subscription.Status.SUSPENDED and active.dunning_payment == failed
    return active


def _client(user) -> Client:
    """A fresh session (after time travel the old one has timed out)."""
    client = Client()
    client.force_login(user)
    return client


def _remote(subscription: Subscription) -> dict:
    return SandboxObject.objects.get(pk=subscription.remote_subscriptions.get().mollie_id).data


def _run(at: datetime) -> services.DunningReport:
    with time_machine.travel(at):
        return services.dunning_run()


# --- entering dunning ------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["failed", "expired", "canceled"])
def test_a_failed_automatic_charge_makes_the_subscription_past_due_and_mails_the_customer(active, customer, outcome):
    due = active.current_period_end
    failed = _charge(active, outcome)
    active.refresh_from_db()
    assert failed.status == outcome and failed.sequence_type == Payment.Sequence.RECURRING
    assert active.status == Subscription.Status.SUSPENDED
    assert active.dunning_payment == failed and active.dunning_amount == Decimal("35.09")
    assert timezone.localdate(active.dunning_since) == due
    assert active.current_period_end == due  # nothing paid, nothing extended
    assert not Invoice.objects.filter(payment=failed).exists()
    assert _remote(active)["status"] == "active"  # Mollie's subscription stays (and may retry)
    event = AuditEvent.objects.get(action="subscription.past_due")
    assert event.changes["status"] == ["active", "suspended"] and event.changes["payment"] == [None, failed.mollie_id]
    assert event.changes["pay_before"] == [None, (due + timedelta(days=14)).isoformat()]
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert message.subject == f"Automatische betaling mislukt: betaal vóór {_dutch(due + timedelta(days=14))}"
    assert "€ 35,09" in message.body and f"op {_dutch(due)} mislukt" in message.body
    assert f"Nu betalen: {settings.SITE_URL}/portal/abonnement/" in message.body
    assert f'href="{settings.SITE_URL}/portal/abonnement/"' in message.alternatives[0][0]


def test_the_mail_is_in_the_language_the_customer_subscribed_in(mollie_sandbox, customer, plan):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(customer)
    response = english.post(f"/portal/abonnement/afsluiten/{plan.pk}/")
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get()
    assert subscription.language == "en"
    mail.outbox.clear()
    _charge(subscription, "failed")
    [message] = mail.outbox
    assert message.subject.startswith("Automatic payment failed: pay before ")
    assert "€ 35.09" in message.body and "Pay now: " in message.body


def test_a_duplicate_or_late_webhook_does_not_start_dunning_twice(past_due):
    failed = past_due.dunning_payment
    since = past_due.dunning_since
    requests.post(settings.SITE_URL + "/webhooks/mollie/", data={"id": failed.mollie_id}, timeout=30)
    services.reconcile()
    past_due.refresh_from_db()
    assert past_due.dunning_since == since and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="subscription.past_due").count() == 1


def test_reconciliation_starts_dunning_when_the_webhook_never_came(active):
    controls.add_fault("webhook_drop", count=1)
    remote_id = active.remote_subscriptions.get().mollie_id
    with time_machine.travel(_at(active.current_period_end, 10)):
        charge = controls.charge(remote_id, outcome="failed")
        assert not Payment.objects.filter(mollie_id=charge.id).exists()
        assert services.reconcile().subscription_payments_changed == 1
        assert services.reconcile().changes == 0
    active.refresh_from_db()
    assert active.status == Subscription.Status.SUSPENDED and active.dunning_payment.mollie_id == charge.id
    assert len(mail.outbox) == 1


def test_a_cancelled_subscription_does_not_go_past_due(active, logged_in):
    logged_in.post(f"/portal/abonnement/{active.pk}/opzeggen/", {"confirm": "ja"})
    mail.outbox.clear()  # (the cancellation's confirmation)
    payment = Payment.objects.create(
        user=active.user,
        subscription=active,
        mollie_id="tr_latefailure",
        sequence_type="recurring",
        status="pending",
        amount=Decimal("35.09"),
        charge_date=active.current_period_end,
    )
    with time_machine.travel(_at(active.current_period_end, 10)):
        services.payment_apply(remote=_failed_remote(payment))
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE and active.dunning_since is None and mail.outbox == []


def _failed_remote(payment: Payment):
    from subscriptions.mollie import RemotePayment

    return RemotePayment(
        id=payment.mollie_id,
        status="failed",
        amount=payment.amount,
        amount_refunded=Decimal("0"),
        amount_charged_back=Decimal("0"),
        sequence_type="recurring",
        customer_id=None,
        mandate_id=None,
        subscription_id=None,
        paid_at=None,
        created_at=None,
        checkout_url="",
        metadata={},
    )


# --- what the customer sees --------------------------------------------------------------------


def test_the_overview_shows_the_failure_the_deadline_and_a_pay_now_button(past_due, logged_in):
    failed_on = past_due.current_period_end
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert f"Betaling mislukt op {_dutch(failed_on)}</strong>" in page
    assert f"betaal vóór {_dutch(failed_on + timedelta(days=14))} om uw abonnement te behouden." in page
    assert "Openstaand bedrag: € 35,09" in page
    assert f'action="/portal/abonnement/{past_due.pk}/nu-betalen/"' in page and "Nu betalen</button>" in page
    assert "Abonnement opzeggen" not in page


# --- Nu betalen --------------------------------------------------------------------------------


def test_pay_now_with_another_method_settles_the_arrears_and_moves_mollie_to_the_new_mandate(
    past_due, logged_in, customer
):
    old_mandate = past_due.mandate_id
    overdue_from = past_due.current_period_end
    response = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    assert response.status_code == HTTPStatus.FOUND and "/sandbox/mollie/checkout/tr_" in response["Location"]
    payment = Payment.objects.get(arrears_of=past_due.dunning_payment)
    created = AuditEvent.objects.filter(action="payment.created", target_id=str(payment.pk)).get()
    assert created.actor_id == customer.pk and created.changes["arrears_of"] == [None, past_due.dunning_payment_id]
    remote_payment = SandboxObject.objects.get(pk=payment.mollie_id).data
    assert remote_payment["sequenceType"] == "first" and remote_payment["amount"]["value"] == "35.09"
    assert remote_payment["redirectUrl"].endswith(f"/portal/abonnement/betaling/{payment.pk}/")

    back = checkout(response["Location"], "paid", method="ideal")  # iDEAL: a SEPA direct debit mandate
    page = logged_in.get(back["Location"]).content.decode()
    assert "Betaling ontvangen." in page and "Uw abonnement is actief" in page

    past_due.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert (
        past_due.status == Subscription.Status.ACTIVE
        and past_due.dunning_since is None
        and past_due.dunning_amount is None
    )
    assert past_due.current_period_end == overdue_from + relativedelta(months=1)  # the overdue period counts as paid
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.period_start == overdue_from and invoice.amount_gross == Decimal("35.09")
    new_mandate = past_due.mandate_id
    assert new_mandate != old_mandate and SandboxObject.objects.get(pk=new_mandate).data["method"] == "directdebit"
    remote = _remote(past_due)
    assert remote["mandateId"] == new_mandate and remote["status"] == "active"  # PATCHed at Mollie
    assert MollieSubscription.objects.get().mandate_id == new_mandate
    assert {"subscription.renewed", "subscription.past_due_ended"} <= set(_actions(past_due))
    patched = AuditEvent.objects.get(action="payment.mandate_changed")
    assert patched.changes["mandate_id"] == [old_mandate, new_mandate]
    overview = logged_in.get("/portal/abonnement/").content.decode()
    assert "Betaling mislukt" not in overview and "Actief · € 35,09" in overview
    # The next automatic charge uses the new mandate.
    next_charge = _charge(past_due, "paid")
    assert SandboxObject.objects.get(pk=next_charge.mollie_id).data["mandateId"] == new_mandate


def test_pay_now_when_mollie_is_unreachable_says_so_and_changes_nothing(past_due, logged_in):
    before = (past_due.status, past_due.dunning_since, past_due.dunning_amount, past_due.current_period_end)
    sandbox_payments = SandboxObject.objects.filter(kind="payment").count()
    controls.add_fault("http_503", target="POST payments", count=3)  # every attempt of one call
    response = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/portal/abonnement/"
    assert "Mollie, onze betaaldienst, is op dit moment niet bereikbaar. Er is niets afgeschreven." in page
    assert "Nu betalen</button>" in page
    past_due.refresh_from_db()
    assert (past_due.status, past_due.dunning_since, past_due.dunning_amount, past_due.current_period_end) == before
    assert SandboxObject.objects.filter(kind="payment").count() == sandbox_payments
    assert not Invoice.objects.filter(payment__arrears_of__isnull=False).exists()
    # Once Mollie answers again the same attempt goes on (same idempotency key): one payment.
    again = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    assert "/sandbox/mollie/checkout/tr_" in again["Location"]
    assert Payment.objects.filter(arrears_of__isnull=False).count() == 1
    assert SandboxObject.objects.filter(kind="payment").count() == sandbox_payments + 1


def test_a_failed_pay_now_checkout_can_be_tried_again_and_the_subscription_stays_past_due(past_due, logged_in):
    response = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    first = Payment.objects.get(arrears_of__isnull=False)
    back = checkout(response["Location"], "failed")
    page = logged_in.get(back["Location"]).content.decode()
    assert "De betaling is mislukt." in page and "het bedrag staat nog open" in page and "Opnieuw proberen" in page
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.SUSPENDED
    again = logged_in.post(f"/portal/abonnement/betaling/{first.pk}/betalen/")
    second = Payment.objects.filter(arrears_of__isnull=False).exclude(pk=first.pk).get()
    assert again["Location"] == second.checkout_url
    checkout(again["Location"], "paid")
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.ACTIVE


def test_clicking_pay_now_again_returns_to_the_open_checkout(past_due, logged_in):
    first = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    second = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(arrears_of__isnull=False).count() == 1
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "We wachten op de bevestiging van uw betaling." in page


@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_concurrent_pay_now_clicks_start_one_payment(past_due, customer):
    sessions = [browser_session(customer, settings.SITE_URL) for _ in range(6)]
    barrier = Barrier(len(sessions))
    url = settings.SITE_URL + f"/portal/abonnement/{past_due.pk}/nu-betalen/"

    def click(session: requests.Session) -> str:
        barrier.wait()
        response = session.post(url, allow_redirects=False, timeout=60)
        assert response.status_code == HTTPStatus.FOUND
        return response.headers["Location"]

    sandbox_payments = SandboxObject.objects.filter(kind="payment").count()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        locations = list(pool.map(click, sessions))
    payment = Payment.objects.get(arrears_of__isnull=False)
    assert set(locations) == {payment.checkout_url}
    assert SandboxObject.objects.filter(kind="payment").count() == sandbox_payments + 1


# --- Mollie unreachable for the mandate change -----------------------------------------------


def test_the_mandate_change_at_mollie_is_repaired_later_when_mollie_is_unreachable(past_due, logged_in):
    from portal.celery import app
    from portal.testing.celery_worker import _purge

    old_mandate = past_due.mandate_id
    response = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    payment = Payment.objects.get(arrears_of__isnull=False)
    app.conf.task_always_eager = False  # webhooks and pushes only queue (no worker here)
    try:
        checkout(response["Location"], "paid", method="ideal")
        services.payment_sync(mollie_id=payment.mollie_id)  # (what the webhook task does)
        past_due.refresh_from_db()
        assert past_due.status == Subscription.Status.ACTIVE and past_due.mandate_id != old_mandate
        assert _remote(past_due)["mandateId"] == old_mandate  # not yet at Mollie
        controls.add_fault("http_503", target="PATCH customers/*/subscriptions/*", count=3)
        with pytest.raises(services.mollie.MollieUnavailable):
            services.subscription_push(subscription_id=past_due.pk)  # three attempts, same key
        assert SandboxFault.objects.get().remaining == 0
        assert MollieSubscription.objects.get().mandate_id == old_mandate
        report = services.reconcile()
        assert report.mollie_subscriptions_changed == 1 and report.errors == []
        assert _remote(past_due)["mandateId"] == past_due.mandate_id
        assert MollieSubscription.objects.get().mandate_id == past_due.mandate_id
        assert services.reconcile().changes == 0
    finally:
        app.conf.task_always_eager = True
        _purge(app, settings.CELERY_TASK_DEFAULT_QUEUE)


def test_the_sandbox_command_runs_a_failed_charge_and_mollies_retry(active):
    from io import StringIO

    from django.core.management import call_command

    remote_id = active.remote_subscriptions.get().mollie_id
    due = active.current_period_end
    out = StringIO()
    with time_machine.travel(_at(due, 10)):
        call_command("mollie_sandbox", "charge", remote_id, "--outcome", "failed", stdout=out)
    assert out.getvalue().strip().endswith(" failed")
    active.refresh_from_db()
    assert active.status == Subscription.Status.SUSPENDED
    with time_machine.travel(_at(due + timedelta(days=1), 10)):
        call_command("mollie_sandbox", "charge", remote_id, "--retry", stdout=out)
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE and active.current_period_end == due + relativedelta(months=1)
    remote = _remote(active)
    assert remote["chargesDone"] == 1 and remote["nextPaymentDate"] == (due + relativedelta(months=1)).isoformat()


# --- Mollie retrying, chargebacks ----------------------------------------------------------------


def test_a_successful_retry_by_mollie_ends_dunning_and_pays_the_overdue_period(past_due):
    overdue_from = past_due.current_period_end
    retry = _charge(past_due, "paid", at=_at(overdue_from + timedelta(days=2), 10), retry=True)
    past_due.refresh_from_db()
    assert retry.status == Payment.Status.PAID
    assert past_due.status == Subscription.Status.ACTIVE and past_due.dunning_since is None
    assert past_due.current_period_end == overdue_from + relativedelta(months=1)
    assert Invoice.objects.get(payment=retry).period_start == overdue_from
    ended = AuditEvent.objects.get(action="subscription.past_due_ended")
    assert ended.changes["paid_by"] == [None, retry.mollie_id]
    assert _run(_at(overdue_from + timedelta(days=20))).subscriptions_ended == 0


def test_a_chargeback_of_an_automatic_payment_makes_the_subscription_past_due(active, customer):
    paid = _charge(active, "paid")
    active.refresh_from_db()
    paid_until = active.current_period_end
    original = Invoice.objects.get(payment=paid)
    mail.outbox.clear()  # (the invoice's mail)
    with time_machine.travel(_at(paid.charge_date + timedelta(days=5), 10)):
        controls.chargeback(paid.mollie_id)
        logged_in = _client(customer)
        active.refresh_from_db()
        assert active.status == Subscription.Status.SUSPENDED and active.dunning_payment == paid
        assert active.dunning_amount == Decimal("35.09")
        [message] = mail.outbox
        assert message.subject.startswith("Uw betaling is teruggeboekt: betaal vóór")
        page = logged_in.get("/portal/abonnement/").content.decode()
        assert "Betaling teruggeboekt op" in page
        response = logged_in.post(f"/portal/abonnement/{active.pk}/nu-betalen/")
        checkout(response["Location"], "paid")
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE
    assert active.current_period_end == paid_until  # that period was counted when it was first paid
    arrears = Payment.objects.get(arrears_of=paid)
    # One supply, one invoice: the charged-back charge's invoice stands and this payment
    # settles it (no second invoice with the same period and VAT).
    assert not Invoice.objects.filter(payment=arrears).exists()
    assert Invoice.objects.filter(period_start=original.period_start).count() == 1
    ended = AuditEvent.objects.filter(action="subscription.past_due_ended").latest("id")
    assert ended.changes["settles_invoice"] == [None, original.number]


# --- reminders and the end ------------------------------------------------------------------------


def test_reminders_on_day_3_and_day_10_exactly_once_and_the_end_at_the_start_of_day_14(past_due, customer):
    day0 = past_due.current_period_end
    mail.outbox.clear()
    # Day 3 begins at 00:00 (Europe/Amsterdam): one second before, nothing; after, one reminder.
    assert _run(_at(day0 + timedelta(days=3)) - timedelta(seconds=1)).reminders_sent == 0
    assert _run(_at(day0 + timedelta(days=3), 0, 0, 1)).reminders_sent == 1
    assert _run(_at(day0 + timedelta(days=3), 9)).reminders_sent == 0  # the job runs twice: once
    assert _run(_at(day0 + timedelta(days=9), 9)).reminders_sent == 0  # a day before day 10
    [reminder] = mail.outbox
    assert reminder.to == [customer.email]
    assert reminder.subject == f"Herinnering: betaal vóór {_dutch(day0 + timedelta(days=14))}"
    assert f"{settings.SITE_URL}/portal/abonnement/" in reminder.body
    assert _run(_at(day0 + timedelta(days=10)) - timedelta(seconds=1)).reminders_sent == 0
    assert _run(_at(day0 + timedelta(days=10), 0, 0, 1)).reminders_sent == 1
    assert _run(_at(day0 + timedelta(days=10), 0, 5)).reminders_sent == 0
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Laatste herinnering: betaal vóór")
    assert "dan beëindigen wij uw abonnement" in mail.outbox[1].body
    # Day 13: still running. The start of day 14: ended, at Mollie too.
    assert _run(_at(day0 + timedelta(days=13), 9)).subscriptions_ended == 0
    assert _run(_at(day0 + timedelta(days=14)) - timedelta(seconds=1)).subscriptions_ended == 0
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.SUSPENDED and _remote(past_due)["status"] == "active"
    assert _run(_at(day0 + timedelta(days=14), 0, 0, 1)).subscriptions_ended == 1
    assert _run(_at(day0 + timedelta(days=15), 9)) == services.DunningReport()
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.CANCELED and past_due.end_reason == services.DUNNING_END_REASON
    assert past_due.ended_at is not None and _remote(past_due)["status"] == "canceled"
    assert len(mail.outbox) == 3 and mail.outbox[2].subject == "Uw abonnement is beëindigd"
    assert _actions(past_due)[-5:] == [
        "subscription.past_due",
        "subscription.payment_reminder",
        "subscription.payment_reminder",
        "subscription.canceled",
        "subscription.unscheduled",
    ]
    canceled = AuditEvent.objects.get(action="subscription.canceled")
    assert canceled.actor_kind == "system" and canceled.changes["reason"] == [None, services.DUNNING_END_REASON]


def test_a_late_job_catches_up_with_one_reminder_not_two(past_due):
    day0 = past_due.current_period_end
    mail.outbox.clear()
    assert _run(_at(day0 + timedelta(days=11), 9)).reminders_sent == 1
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Laatste herinnering"]
    assert _run(_at(day0 + timedelta(days=20), 9)).subscriptions_ended == 1


def test_the_end_waits_while_the_customer_is_paying(past_due, customer):
    day0 = past_due.current_period_end
    with time_machine.travel(_at(day0 + timedelta(days=14), 8)):
        response = _client(customer).post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
        assert services.dunning_run() == services.DunningReport(waiting_for_payment=1)
        checkout(response["Location"], "paid")
        assert services.dunning_run() == services.DunningReport()
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.ACTIVE


def test_no_reminder_while_the_customer_is_in_the_checkout(past_due, customer):
    day3 = _at(past_due.current_period_end + timedelta(days=3), 8)
    mail.outbox.clear()
    with time_machine.travel(day3):
        response = _client(customer).post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
        assert services.dunning_run() == services.DunningReport(waiting_for_payment=1)
        assert mail.outbox == []
        checkout(response["Location"], "canceled")
        assert services.dunning_run() == services.DunningReport(reminders_sent=1)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Herinnering: betaal vóór")


def test_the_daily_task_is_scheduled_and_runs_the_service(past_due):
    from subscriptions.tasks import dunning

    assert settings.CELERY_BEAT_SCHEDULE["billing-dunning-daily"]["task"] == "subscriptions.tasks.dunning"
    with time_machine.travel(_at(past_due.current_period_end + timedelta(days=3), 8)):
        assert dunning.delay().get() == {"reminders_sent": 1, "subscriptions_ended": 0, "waiting_for_payment": 0}


# --- staff ------------------------------------------------------------------------------------------


def test_staff_find_past_due_subscriptions_and_end_dunning_only_with_a_reason(past_due, staff_client):
    admin, staff = staff_client
    listing = admin.get("/admin/subscriptions/subscription/?dunning=past_due").content.decode()
    assert f"/admin/subscriptions/subscription/{past_due.pk}/" in listing
    assert (
        f"/admin/subscriptions/subscription/{past_due.pk}/"
        not in admin.get("/admin/subscriptions/subscription/?dunning=ended_unpaid").content.decode()
    )
    overdue_from = past_due.current_period_end
    confirm = admin.post(
        "/admin/subscriptions/subscription/", {"action": "end_dunning", "_selected_action": [past_due.pk]}
    )
    assert (
        confirm.status_code == HTTPStatus.OK and "Reden (wordt vastgelegd in het logboek)" in confirm.content.decode()
    )
    empty = admin.post(
        "/admin/subscriptions/subscription/",
        {"action": "end_dunning", "_selected_action": [past_due.pk], "confirm": "yes", "reason": " "},
    )
    assert "Geef een reden op." in empty.content.decode()
    past_due.refresh_from_db()
    assert past_due.status == Subscription.Status.SUSPENDED
    done = admin.post(
        "/admin/subscriptions/subscription/",
        {
            "action": "end_dunning",
            "_selected_action": [past_due.pk],
            "confirm": "yes",
            "reason": "Betaald per bankoverschrijving",
        },
        follow=True,
    )
    assert "achterstand afgehandeld" in done.content.decode()
    past_due.refresh_from_db()
    assert (
        past_due.status == Subscription.Status.ACTIVE
        and past_due.current_period_end == overdue_from + relativedelta(months=1)
    )
    event = AuditEvent.objects.get(action="subscription.past_due_ended")
    assert event.actor_id == staff.pk and event.changes["reason"] == [None, "Betaald per bankoverschrijving"]


# --- hostile input ------------------------------------------------------------------------------------


def test_pay_now_refuses_what_it_should(past_due, logged_in, make_user):
    url = f"/portal/abonnement/{past_due.pk}/nu-betalen/"
    assert logged_in.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    anonymous = Client().post(url)
    assert anonymous.status_code == HTTPStatus.FOUND and anonymous["Location"].startswith("/accounts/login/")
    intruder = Client()
    intruder.force_login(make_user("indringer"))
    assert intruder.post(url).status_code == HTTPStatus.NOT_FOUND
    assert logged_in.post("/portal/abonnement/999999/nu-betalen/").status_code == HTTPStatus.NOT_FOUND
    assert logged_in.post("/portal/abonnement/abc/nu-betalen/").status_code == HTTPStatus.NOT_FOUND
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(past_due.user)
    assert strict.post(url).status_code == HTTPStatus.FORBIDDEN
    assert not Payment.objects.filter(arrears_of__isnull=False).exists()
    # Someone else's "Nu betalen" payment is not theirs to see or retry.
    logged_in.post(url)
    payment = Payment.objects.get(arrears_of__isnull=False)
    assert intruder.get(f"/portal/abonnement/betaling/{payment.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert intruder.post(f"/portal/abonnement/betaling/{payment.pk}/betalen/").status_code == HTTPStatus.NOT_FOUND


def test_pay_now_on_a_subscription_that_is_not_past_due_changes_nothing(active, logged_in):
    page = logged_in.post(f"/portal/abonnement/{active.pk}/nu-betalen/", follow=True).content.decode()
    assert "Er staat voor dit abonnement geen betaling open." in page
    assert Payment.objects.count() == 1


# --- retention ---------------------------------------------------------------------------------------


def test_seven_years_after_an_unpaid_end_the_billing_rows_go_with_their_dunning_links(past_due, logged_in):
    from retention import services as retention

    response = logged_in.post(f"/portal/abonnement/{past_due.pk}/nu-betalen/")
    checkout(response["Location"], "failed")  # a "Nu betalen" attempt linked to the failed charge
    assert _run(_at(past_due.current_period_end + timedelta(days=14), 9)).subscriptions_ended == 1
    past_due.refresh_from_db()
    assert past_due.dunning_payment_id and Payment.objects.filter(arrears_of__isnull=False).count() == 1
    with time_machine.travel(past_due.ended_at + relativedelta(years=7) - timedelta(days=1), tick=False):
        retention.enforce()
    assert Subscription.objects.filter(pk=past_due.pk).exists()
    with time_machine.travel(past_due.ended_at + relativedelta(years=7, days=1), tick=False):
        retention.enforce()
    assert not Subscription.objects.exists() and not Payment.objects.exists() and not Invoice.objects.exists()


# --- Mollie stops charging (mandate revoked) ---------------------------------------------------


def test_a_revoked_mandate_makes_the_subscription_past_due_and_nu_betalen_schedules_charges_again(active, customer):
    """Mollie suspends its subscription when the mandate is revoked and charges nothing: no
    webhook comes. Reconciliation notices once the paid period is two days over."""
    end = active.current_period_end
    controls.revoke_mandate(active.mandate_id)
    assert _remote(active)["status"] == "suspended"
    with time_machine.travel(_at(end + timedelta(days=1), 12)):
        assert services.reconcile().stopped_by_mollie == 0  # a day late: Mollie may still charge
    with time_machine.travel(_at(end + timedelta(days=2), 12)):
        mail.outbox.clear()
        report = services.reconcile()
        assert report.stopped_by_mollie == 1 and not report.errors
        assert services.reconcile().stopped_by_mollie == 0  # once
        active.refresh_from_db()
        assert active.status == Subscription.Status.SUSPENDED and active.dunning_amount == Decimal("35.09")
        assert active.dunning_payment.status == "failed" and active.dunning_payment.charge_date == end
        assert active.active_remote() is None  # Mollie's suspended subscription is written off
        [message] = mail.outbox
        assert message.to == [customer.email] and message.subject.startswith(
            "Automatische betaling mislukt: betaal vóór"
        )
        logged_in = _client(customer)
        response = logged_in.post(f"/portal/abonnement/{active.pk}/nu-betalen/")
        checkout(response["Location"], "paid")  # a new mandate
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE and active.current_period_end > end
    new_remote = active.active_remote()
    assert new_remote is not None and new_remote.mandate_id == active.mandate_id  # charges scheduled again
    assert SandboxObject.objects.get(pk=new_remote.mollie_id).data["status"] == "active"


def test_a_chargeback_of_the_first_payment_makes_the_subscription_past_due_too(active, customer):
    first = Payment.objects.get(subscription=active, sequence_type="first")
    invoice = Invoice.objects.get(payment=first)
    controls.chargeback(first.mollie_id)
    active.refresh_from_db()
    assert active.status == Subscription.Status.SUSPENDED and active.dunning_payment == first
    assert active.dunning_amount == first.amount
    response = _client(customer).post(f"/portal/abonnement/{active.pk}/nu-betalen/")
    checkout(response["Location"], "paid")
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE
    arrears = Payment.objects.get(arrears_of=first)
    assert not Invoice.objects.filter(payment=arrears).exists()  # it settles the first invoice
    assert AuditEvent.objects.filter(action="subscription.past_due_ended").latest("id").changes["settles_invoice"] == [
        None,
        invoice.number,
    ]
    # A chargeback of that "Nu betalen" payment is recorded, and starts nothing by itself.
    controls.chargeback(arrears.mollie_id)
    active.refresh_from_db()
    assert active.status == Subscription.Status.ACTIVE
    assert Payment.objects.get(pk=arrears.pk).amount_charged_back == arrears.amount
