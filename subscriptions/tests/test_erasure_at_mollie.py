"""Erasing an account also deletes the customer record Mollie holds for it (name, e-mail
address): ``DELETE /v2/customers/{id}`` through the one Mollie chokepoint, after the
erasure commits, retried while Mollie is down, idempotent (a customer Mollie no longer
knows counts as deleted), and recorded in the audit trail. The day before the erasure the
customer is still at Mollie; from the moment of erasure it is gone.

Through the real mollie-api-python client against the sandbox (in-process)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from accounts import services as account_services
from accounts.personal_data import ACCOUNT_PERIOD
from audit.models import AuditEvent
from audit.verification import verify
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxFault, SandboxObject
from retention import services as retention
from subscriptions import services
from subscriptions.models import MollieCustomer, MollieCustomerDeletion, Payment, Subscription
from subscriptions.tests.conftest import checkout

pytestmark = pytest.mark.django_db

DELETED = "payment.customer_deleted"


def _at_mollie(mollie_id: str) -> SandboxObject | None:
    return SandboxObject.objects.filter(kind=SandboxObject.Kind.CUSTOMER, pk=mollie_id).first()


@pytest.fixture
def closed_customer(subscribe, customer):
    """A customer who subscribed, paid and closed the account: (user id, Mollie customer
    id, the moment the account is erased)."""
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    mollie_id = MollieCustomer.objects.get(user=customer).mollie_id
    closed = payment.paid_at + timedelta(days=3)
    with time_machine.travel(closed, tick=False):
        account_services.account_close(user=customer, by=customer)
    assert _at_mollie(mollie_id).data["email"] == customer.email
    return customer.pk, mollie_id, ACCOUNT_PERIOD.ends_at(closed)


def test_the_day_before_erasure_the_customer_is_at_mollie_and_from_erasure_on_it_is_gone(closed_customer):
    user_id, mollie_id, erased_at = closed_customer
    with time_machine.travel(erased_at - timedelta(days=1), tick=False):
        retention.enforce()
    assert _at_mollie(mollie_id) is not None
    assert not MollieCustomerDeletion.objects.exists()

    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    assert _at_mollie(mollie_id) is None
    mandates = SandboxObject.objects.filter(kind=SandboxObject.Kind.MANDATE, parent_id=mollie_id)
    assert mandates.exists() and all(m.data["status"] == "invalid" for m in mandates)
    assert not MollieCustomerDeletion.objects.exists()
    event = AuditEvent.objects.get(action=DELETED)
    assert event.subject_id == user_id and event.target_id == mollie_id and event.actor_label == "system (billing)"
    # Billing stays for its own seven years; the payments stay at Mollie too.
    assert Subscription.objects.filter(user__isnull=True).count() == 1
    assert SandboxObject.objects.filter(kind=SandboxObject.Kind.PAYMENT, parent_id=mollie_id).exists()
    report = verify()
    assert report.ok, report.problem


def test_a_dry_run_deletes_nothing_at_mollie(closed_customer):
    _user_id, mollie_id, erased_at = closed_customer
    with time_machine.travel(erased_at, tick=False):
        retention.enforce(dry_run=True)
    assert _at_mollie(mollie_id) is not None and not MollieCustomerDeletion.objects.exists()


def test_mollie_down_during_the_delete_loses_nothing_and_reconciliation_finishes_it(closed_customer, caplog):
    """Every attempt answered 500 (the task's own retries included): the erasure still
    commits, the deletion waits with its attempts counted, and the next reconciliation
    deletes the customer once Mollie answers again."""
    user_id, mollie_id, erased_at = closed_customer
    controls.add_fault(SandboxFault.Kind.HTTP_500, target="DELETE customers/*", count=1000)
    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(pk=user_id).exists()  # the erasure committed
    assert _at_mollie(mollie_id) is not None
    waiting = MollieCustomerDeletion.objects.get()
    assert (
        waiting.mollie_id == mollie_id and waiting.attempts >= 1 and waiting.last_error.startswith("MollieUnavailable")
    )
    assert not AuditEvent.objects.filter(action=DELETED).exists()

    SandboxFault.objects.all().delete()  # Mollie is back
    with time_machine.travel(erased_at + timedelta(minutes=15), tick=False):
        report = services.reconcile()
    assert report.mollie_customers_deleted == 1
    assert _at_mollie(mollie_id) is None and not MollieCustomerDeletion.objects.exists()
    assert AuditEvent.objects.filter(action=DELETED, subject_id=user_id).count() == 1


def test_a_refused_key_during_the_delete_keeps_it_waiting_until_ops_fix_the_key(closed_customer, settings):
    user_id, mollie_id, erased_at = closed_customer
    settings.MOLLIE_API_KEY = "test_revokedkeyofanotheraccount9876"
    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    waiting = MollieCustomerDeletion.objects.get()
    assert waiting.last_error.startswith("MollieMisconfigured") and "revoked" not in waiting.last_error
    assert services.reconcile().mollie_customers_deleted == 0 and _at_mollie(mollie_id) is not None

    settings.MOLLIE_API_KEY = ""  # fixed: the sandbox's own key
    assert services.reconcile().mollie_customers_deleted == 1
    assert _at_mollie(mollie_id) is None
    assert AuditEvent.objects.filter(action=DELETED, subject_id=user_id).count() == 1


def test_a_short_outage_is_bridged_by_the_retries_with_the_same_idempotency_key(closed_customer):
    _user_id, mollie_id, erased_at = closed_customer
    controls.add_fault(SandboxFault.Kind.HTTP_503, target="DELETE customers/*", count=2)
    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    assert _at_mollie(mollie_id) is None and not MollieCustomerDeletion.objects.exists()
    assert AuditEvent.objects.filter(action=DELETED).count() == 1


def test_a_customer_mollie_no_longer_knows_counts_as_deleted_and_a_second_run_changes_nothing(closed_customer):
    user_id, mollie_id, erased_at = closed_customer
    _at_mollie(mollie_id).delete()  # deleted at Mollie by hand meanwhile: Mollie answers 404
    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    assert not MollieCustomerDeletion.objects.exists()
    assert AuditEvent.objects.filter(action=DELETED, subject_id=user_id).count() == 1
    assert services.mollie_customers_delete().deleted == 0
    assert services.reconcile().mollie_customers_deleted == 0
    assert AuditEvent.objects.filter(action=DELETED).count() == 1


def test_a_customer_that_never_subscribed_is_deleted_at_mollie_too(make_user, mollie_sandbox):
    user = make_user("nooitbetaald", email="nooit@voorbeeld.nl")
    customer = MollieCustomer.objects.create(user=user)
    mollie_id = services.customer_ensure(customer=customer)
    closed = ACCOUNT_PERIOD.ends_at(user.date_joined) - timedelta(days=200)
    with time_machine.travel(closed, tick=False):
        account_services.account_close(user=user, by=user)
    with time_machine.travel(ACCOUNT_PERIOD.ends_at(closed), tick=False):
        retention.enforce()
    assert _at_mollie(mollie_id) is None
    assert not MollieCustomer.objects.filter(mollie_id=mollie_id).exists()
    assert AuditEvent.objects.filter(action=DELETED, target_id=mollie_id).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", [SandboxFault.Kind.TIMEOUT_AFTER, SandboxFault.Kind.TIMEOUT_BEFORE])
def test_a_timeout_during_the_delete_is_retried_with_the_same_key_and_recorded_once(closed_customer, kind):
    """On the live server (real sockets, the client's read timeout of 3 s): Mollie's answer
    comes too late, once (after deleting, or before doing anything); the retry with the
    same idempotency key finishes the job."""
    user_id, mollie_id, erased_at = closed_customer
    controls.add_fault(kind, target="DELETE customers/*", count=1, delay_seconds=4)
    with time_machine.travel(erased_at, tick=True):
        retention.enforce()
    assert SandboxFault.objects.get().remaining == 0  # the late answer did happen
    assert _at_mollie(mollie_id) is None and not MollieCustomerDeletion.objects.exists()
    assert AuditEvent.objects.filter(action=DELETED, subject_id=user_id).count() == 1


def test_staff_see_what_still_waits_for_mollie_in_the_admin(closed_customer, staff_client):
    _user_id, mollie_id, erased_at = closed_customer
    controls.add_fault(SandboxFault.Kind.HTTP_500, target="DELETE customers/*", count=1000)
    with time_machine.travel(erased_at, tick=False):
        retention.enforce()
    client, staff = staff_client
    client.force_login(staff)  # (the run removed the sessions that expired by then)
    page = client.get("/admin/subscriptions/molliecustomerdeletion/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mollie_id in text and "MollieUnavailable" in text
    assert client.get("/admin/subscriptions/molliecustomerdeletion/add/").status_code == 403
