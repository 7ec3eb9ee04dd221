"""Billing data: kept with its invoice snapshot when the account goes, removed seven years
after the subscription ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from retention import services
from retention.tests.billing import billing_history
from retention.tests.conftest import ams
from subscriptions.models import CreditNote, Invoice, MollieCustomer, MollieSubscription, Payment, Subscription

User = get_user_model()
ENDED = ams(2026, 3, 15, 10, 0)
SEVEN_YEARS_LATER = ams(2033, 3, 15, 10, 0)


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return services.enforce(**kwargs)


@pytest.mark.django_db
def test_billing_survives_the_erasure_of_the_account_without_its_user_link(rich_customer):
    user = rich_customer("jansen", closed_at=ENDED)
    subscription = billing_history(user, ended_at=ENDED)
    run(ENDED + timedelta(days=120))
    assert not User.objects.filter(pk=user.pk).exists()
    subscription.refresh_from_db()
    assert subscription.user_id is None
    invoice = Invoice.objects.get(payment__subscription=subscription)
    assert invoice.user_id is None
    assert invoice.billing_snapshot["name"] == "Zwanenburg Webshop B.V."
    assert Payment.objects.get(subscription=subscription).user_id is None


@pytest.mark.django_db
def test_billing_ended_seven_years_minus_a_day_ago_is_kept(rich_customer):
    user = rich_customer("jansen", closed_at=ENDED)
    subscription = billing_history(user, ended_at=ENDED)
    run(SEVEN_YEARS_LATER - timedelta(days=1))
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert Invoice.objects.filter(payment__subscription_id=subscription.pk).count() == 1


@pytest.mark.django_db
def test_billing_ended_seven_years_plus_a_day_ago_is_removed(rich_customer):
    user = rich_customer("jansen", closed_at=ENDED)
    subscription = billing_history(user, ended_at=ENDED)
    run(SEVEN_YEARS_LATER + timedelta(days=1))
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not Payment.objects.filter(subscription_id=subscription.pk).exists()
    assert not Invoice.objects.exists()
    assert not MollieSubscription.objects.exists()
    assert not MollieCustomer.objects.exists()


@pytest.mark.django_db
def test_an_open_subscription_of_an_active_customer_is_never_removed(rich_customer):
    user = rich_customer("jansen", at=ams(2015, 1, 1, 12, 0))
    with time_machine.travel(ams(2015, 1, 1, 12, 0), tick=False):
        old = billing_history(user, ended_at=ams(2015, 6, 1, 12, 0))
        Subscription.objects.filter(pk=old.pk).update(status="ended")
        live = billing_history(user, ended_at=None)
    run(ams(2030, 1, 1, 12, 0))
    assert not Subscription.objects.filter(pk=old.pk).exists()
    assert Subscription.objects.filter(pk=live.pk, user=user).exists()
    assert MollieCustomer.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_credit_notes_and_stored_pdfs_outlive_the_account_and_go_with_their_invoice_after_seven_years(rich_customer):
    user = rich_customer("jansen", closed_at=ENDED)
    subscription = billing_history(user, ended_at=ENDED, credit_note=True)
    pdfs = (bytes(Invoice.objects.get().pdf), bytes(CreditNote.objects.get().pdf))
    run(ENDED + timedelta(days=120))  # the account is erased
    note = CreditNote.objects.get(invoice__payment__subscription=subscription)
    assert note.user_id is None and note.billing_snapshot["name"] == "Zwanenburg Webshop B.V."
    assert (bytes(Invoice.objects.get().pdf), bytes(note.pdf)) == pdfs
    run(SEVEN_YEARS_LATER - timedelta(days=1))
    assert CreditNote.objects.count() == 1 and Invoice.objects.count() == 1
    result = run(SEVEN_YEARS_LATER + timedelta(days=1))
    assert not CreditNote.objects.exists() and not Invoice.objects.exists() and not Subscription.objects.exists()
    billing = next(p for p in result.policies if p.policy == "billing")
    assert billing.rows["subscriptions.CreditNote"] == 1 and billing.rows["subscriptions.Invoice"] == 1


@pytest.mark.django_db
def test_the_export_lists_the_credit_notes(rich_customer):
    from subscriptions.personal_data import export_billing

    user = rich_customer("jansen")
    billing_history(user, ended_at=None, credit_note=True)
    exported = export_billing(user)
    assert [(c["amount_net"], c["vat_amount"], c["amount_gross"]) for c in exported["credit_notes"]] == [
        ("-8.26", "-1.74", "-10.00")
    ]
    assert exported["credit_notes"][0]["invoice"] == exported["invoices"][0]["number"]


@pytest.mark.django_db
def test_a_credit_note_dated_after_the_end_keeps_the_subscription_seven_years_from_its_own_date(rich_customer):
    """A refund's credit note can come months after the subscription ended; the documents
    and everything behind them stay until seven years after the latest document's date."""
    from datetime import date

    user = rich_customer("jansen", closed_at=ENDED)
    subscription = billing_history(user, ended_at=ENDED, credit_note=True)
    CreditNote.objects.update(issued_on=date(2026, 7, 1))  # refunded three and a half months after the end
    run(SEVEN_YEARS_LATER + timedelta(days=1))  # seven years after the end: the credit note is younger
    assert Subscription.objects.filter(pk=subscription.pk).exists() and CreditNote.objects.count() == 1
    run(ams(2033, 7, 1, 12, 0))  # its last day of the seven years
    assert CreditNote.objects.count() == 1
    run(ams(2033, 7, 2, 12, 0))  # the day after
    assert not Subscription.objects.exists() and not CreditNote.objects.exists() and not Invoice.objects.exists()


@pytest.mark.django_db
def test_a_subscription_that_never_started_is_removed_seven_years_after_its_first_payment_failed(rich_customer):
    from decimal import Decimal

    from subscriptions import mollie
    from subscriptions import services as billing
    from subscriptions.models import Plan

    user = rich_customer("jansen")
    plan = Plan.objects.create(name="Basis", price=Decimal("25.00"))
    with time_machine.travel(ENDED, tick=False):
        payment = billing.subscription_start(user=user, plan=plan)
        Payment.objects.filter(pk=payment.pk).update(mollie_id="tr_failedfirst", status="open")
        failed = mollie.RemotePayment(
            id="tr_failedfirst",
            status="failed",
            amount=payment.amount,
            amount_refunded=Decimal("0"),
            amount_charged_back=Decimal("0"),
            sequence_type="first",
            customer_id=None,
            mandate_id=None,
            subscription_id=None,
            paid_at=None,
            created_at=None,
            checkout_url="",
            metadata={},
        )
        billing.payment_apply(remote=failed)  # what Mollie's webhook tells
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.FAILED and subscription.ended_at == ENDED
    run(SEVEN_YEARS_LATER - timedelta(days=1))
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    run(SEVEN_YEARS_LATER + timedelta(days=1))
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not Payment.objects.filter(pk=payment.pk).exists()
