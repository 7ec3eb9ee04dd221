"""Whatever order and however often Mollie's answers are applied, a payment ends in the
state of its furthest status: a final status never changes, paid never goes back, an
invoice is issued once. (No Mollie call is needed: these are recurring payments of an
existing subscription, applied as the webhook task applies them.)"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from subscriptions import mollie, services
from subscriptions.models import Invoice, MollieCustomer, MollieSubscription, Payment, Plan, Subscription

pytestmark = pytest.mark.django_db
STATUSES = ["open", "pending", "authorized", "paid", "canceled", "expired", "failed"]
_ids = itertools.count()


@pytest.fixture
def subscription(customer) -> Subscription:
    plan = Plan.objects.create(name="Basis", price=Decimal("29.00"))
    link = MollieCustomer.objects.create(user=customer, mollie_id="cst_statetest")
    subscription = Subscription.objects.create(
        user=customer,
        customer=link,
        plan=plan,
        status=Subscription.Status.ACTIVE,
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21"),
        amount_gross=Decimal("35.09"),
        current_period_end=datetime(2030, 2, 1, tzinfo=UTC).date(),
    )
    MollieSubscription.objects.create(subscription=subscription, mollie_id="sub_statetest")
    return subscription


def _remote(mollie_id: str, status: str, refunded: str = "0.00") -> mollie.RemotePayment:
    return mollie.RemotePayment(
        id=mollie_id,
        status=status,
        amount=Decimal("35.09"),
        amount_refunded=Decimal(refunded),
        amount_charged_back=Decimal("0"),
        sequence_type="recurring",
        customer_id="cst_statetest",
        mandate_id="mdt_x",
        subscription_id="sub_statetest",
        paid_at=datetime(2030, 2, 1, 3, tzinfo=UTC) if status == "paid" else None,
        created_at=datetime(2030, 2, 1, 2, tzinfo=UTC),
        checkout_url="",
        metadata={},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_any_order_of_answers_ends_in_the_furthest_status(subscription, statuses):
    mollie_id = f"tr_state{next(_ids)}"
    for status in statuses:
        services.payment_apply(remote=_remote(mollie_id, status))
    payment = Payment.objects.get(mollie_id=mollie_id)
    first_final = next((s for s in statuses if s in ("paid", "canceled", "expired", "failed")), None)
    if first_final is not None:
        assert payment.status == first_final
    else:
        assert payment.status == max(statuses, key=lambda s: Payment.RANK[s])
    assert Invoice.objects.filter(payment=payment).count() == (1 if payment.status == "paid" else 0)
    assert AuditEvent.objects.filter(action="payment.paid", target_id=str(payment.pk)).count() == (
        1 if payment.status == "paid" else 0
    )


def test_a_stale_answer_does_not_undo_a_refund(subscription):
    services.payment_apply(remote=_remote("tr_refundorder", "paid", refunded="10.00"))
    services.payment_apply(remote=_remote("tr_refundorder", "paid", refunded="0.00"))
    assert Payment.objects.get(mollie_id="tr_refundorder").amount_refunded == Decimal("10.00")


def test_paid_without_paid_at_is_not_believed(subscription):
    remote = _remote("tr_nopaidat", "paid")
    services.payment_apply(remote=mollie.RemotePayment(**{**remote.__dict__, "paid_at": None}))
    assert Payment.objects.get(mollie_id="tr_nopaidat").status == Payment.Status.OPEN
