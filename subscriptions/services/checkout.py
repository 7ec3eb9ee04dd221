"""Checkout: a new subscription and its first payment, and "Nu betalen" for the arrears of
a past-due one. Both are first payments at Mollie (they give a mandate), created outside
our transactions with an idempotency key from our own rows; what Mollie answers is applied
by ``payments``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from subscriptions import mollie
from subscriptions.enums import EndReason, System
from subscriptions.models import MollieCustomer, Payment, Plan, Subscription, with_vat
from subscriptions.selectors import billing_details_missing, profile_of, vat_treatment
from subscriptions.services.base import (
    AlreadySubscribed,
    BillingError,
    current_language,
    current_time,
    lock_subscription,
    webhook_url,
)
from subscriptions.services.payments import payment_abandon, payment_apply, payment_sync


@transaction.atomic
def subscription_start(*, user, plan: Plan) -> Payment:
    """The customer picked a plan: a pending subscription and its first payment (not yet at
    Mollie). Serialised per customer by a row lock; the database refuses a second live
    subscription even if the lock were bypassed."""
    get_user_model().objects.select_for_update().get(pk=user.pk)
    plan = Plan.objects.get(pk=plan.pk)
    if not plan.active:
        raise BillingError(_("Deze abonnementsvorm is niet meer af te sluiten."))
    if billing_details_missing(user=user):
        raise BillingError(_("Vul eerst uw naam en adres in bij Profiel: die komen op uw factuur."))
    customer, _created = MollieCustomer.objects.get_or_create(user=user)
    live = Subscription.objects.filter(customer=customer, status__in=Subscription.LIVE).first()
    if live is not None:
        raise AlreadySubscribed(live)
    rate, reverse_charge = vat_treatment(user=user)
    gross = with_vat(plan.price, rate)
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                user=user,
                customer=customer,
                plan=plan,
                amount_net=plan.price,
                vat_rate=rate,
                reverse_charge=reverse_charge,
                amount_gross=gross,
                language=current_language(),
            )
            payment = Payment.objects.create(
                user=user, subscription=subscription, sequence_type=Payment.Sequence.FIRST, amount=gross
            )
    except IntegrityError:
        live = Subscription.objects.filter(customer=customer, status__in=Subscription.LIVE).first()
        raise AlreadySubscribed(live) from None
    record(
        Action.SUBSCRIPTION_CREATED,
        actor=user,
        subject=user,
        target=subscription,
        changes={"plan": [None, plan.name], "amount_gross": [None, str(gross)], "vat_rate": [None, str(rate)]},
    )
    record(
        Action.PAYMENT_CREATED,
        actor=user,
        subject=user,
        target=payment,
        changes={"amount": [None, str(gross)], "sequence_type": [None, "first"]},
    )
    return payment


def customer_ensure(*, customer: MollieCustomer) -> str:
    """The customer's id at Mollie, created on first use (once per account)."""
    if customer.mollie_id:
        return customer.mollie_id
    user = customer.user
    profile = profile_of(user)
    name = (profile.full_name if profile else "") or (user.get_username() if user else "")
    mollie_id = mollie.customer_create(
        name=name,
        email=user.email if user else "",
        user_id=user.pk if user else 0,
        idempotency_key=f"customer-{customer.pk}",
    )
    with transaction.atomic():
        locked = MollieCustomer.objects.select_for_update().get(pk=customer.pk)
        if not locked.mollie_id:
            locked.mollie_id = mollie_id
            locked.save(update_fields=["mollie_id"])
            record(
                Action.MOLLIE_CUSTOMER_CREATED,
                system=System.MOLLIE,
                subject_id=locked.user_id,
                target=locked,
                changes={"mollie_id": [None, mollie_id]},
            )
        customer.mollie_id = locked.mollie_id
    return customer.mollie_id


def first_payment_checkout(*, payment: Payment) -> str:
    """Create the first payment at Mollie (or find the one created before, through the
    same idempotency key) and return the URL of Mollie's checkout. Raises
    :class:`mollie.MollieUnavailable` when Mollie cannot be reached."""
    payment = Payment.objects.select_related("subscription__customer", "subscription__plan").get(pk=payment.pk)
    if payment.mollie_id:
        return payment.checkout_url if payment.status == Payment.Status.OPEN else ""
    # A first payment starts a subscription, or ("Nu betalen") pays the arrears of one that
    # is past due: either way it gives Mollie a (new) mandate.
    arrears = payment.arrears_of_id is not None
    expected = Subscription.Status.SUSPENDED if arrears else Subscription.Status.PENDING
    if payment.status != Payment.Status.CREATED or payment.subscription.status != expected:
        return ""
    subscription = payment.subscription
    try:
        remote = _first_payment_create(payment, subscription, arrears=arrears)
    except mollie.MollieMisconfigured:
        # Nothing reached Mollie and nothing will until ops fix the configuration (logged
        # by the chokepoint): close the attempt now, so no pending subscription or payment
        # waits for reconciliation's two hours and the customer can start again later.
        payment_abandon(payment=payment)
        raise
    payment_apply(remote=remote)
    payment.refresh_from_db()
    return payment.checkout_url if payment.status == Payment.Status.OPEN else ""


def _first_payment_create(payment: Payment, subscription: Subscription, *, arrears: bool) -> mollie.RemotePayment:
    customer_id = customer_ensure(customer=subscription.customer)
    return mollie.first_payment_create(
        customer_id=customer_id,
        amount=payment.amount,
        description=(_("%(plan)s: achterstallige betaling") if arrears else _("%(plan)s: eerste termijn"))
        % {"plan": subscription.plan.billing_name},
        redirect_url=settings.SITE_URL + reverse("subscriptions:payment_return", args=[payment.pk]),
        webhook_url=webhook_url(),
        metadata={"payment": payment.pk, "subscription": subscription.pk},
        idempotency_key=payment.idempotency_key,
        language=subscription.language or current_language(),
    )


# --- "Nu betalen": paying the arrears of a past-due subscription ---------------------------


def arrears_payment_start(*, subscription: Subscription, by) -> Payment:
    """ "Nu betalen": the payment for the arrears of a past-due subscription (a first
    payment, so it gives a new mandate; not yet at Mollie). One at a time: an attempt
    that is still open is returned instead of a new one (row lock; the database refuses
    a second open first payment anyway)."""
    waiting = (
        subscription.payments.filter(
            sequence_type=Payment.Sequence.FIRST,
            status__in=[Payment.Status.OPEN, Payment.Status.PENDING],
            mollie_id__isnull=False,
        )
        .values_list("mollie_id", flat=True)
        .first()
    )
    if waiting:  # its checkout may have expired meanwhile: ask Mollie first (no lock held)
        try:
            payment_sync(mollie_id=waiting)
        except mollie.MollieError:
            pass
    return _arrears_payment(subscription=subscription, by=by)


@transaction.atomic
def _arrears_payment(*, subscription: Subscription, by) -> Payment:
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.SUSPENDED:
        raise BillingError(_("Er staat voor dit abonnement geen betaling open."))
    attempts = subscription.payments.filter(sequence_type=Payment.Sequence.FIRST, status__in=Payment.OPEN_STATUSES)
    current = attempts.first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                user=subscription.user,
                subscription=subscription,
                sequence_type=Payment.Sequence.FIRST,
                amount=subscription.dunning_amount,
                arrears_of_id=subscription.dunning_payment_id,
            )
    except IntegrityError:  # (only if the lock were bypassed)
        return attempts.get()
    record(
        Action.PAYMENT_CREATED,
        actor=by,
        subject_id=subscription.user_id,
        target=payment,
        changes={
            "amount": [None, str(payment.amount)],
            "sequence_type": [None, "first"],
            "arrears_of": [None, payment.arrears_of_id],
        },
    )
    return payment


# --- a checkout the customer left: withdraw it (or choose another plan) ---------------------


def checkout_withdraw(*, subscription: Subscription, by) -> Subscription:
    """The customer withdraws a subscription still waiting for its first payment (they left
    Mollie's checkout, or want another plan). The payment at Mollie is cancelled where
    Mollie allows it (``isCancelable``; the cancelled payment ends the subscription as not
    started, as any cancelled first payment); where it does not (the customer may still be
    at the bank), the subscription ends here and the payment expires at Mollie. Raises
    :class:`BillingError` when there is nothing to withdraw or the payment is already in,
    and :class:`mollie.MollieUnavailable` (nothing changed) when Mollie cannot be asked."""
    subscription = Subscription.objects.get(pk=subscription.pk)
    if subscription.status != Subscription.Status.PENDING:
        raise BillingError(_("Er is geen aanvraag die op de eerste betaling wacht."))
    payment = subscription.payments.filter(sequence_type=Payment.Sequence.FIRST).order_by("-id").first()
    cancelled_at_mollie = False
    if payment is not None and payment.mollie_id and not payment.is_final:
        remote = mollie.payment_get(payment.mollie_id)
        if remote.status in (Payment.Status.OPEN, Payment.Status.PENDING) and remote.is_cancelable:
            try:
                remote = mollie.payment_cancel(
                    mollie_id=payment.mollie_id, idempotency_key=f"first-{payment.pk}-cancel"
                )
                cancelled_at_mollie = True
            except mollie.MollieUnavailable:
                raise
            except mollie.MollieError:  # no longer cancellable meanwhile (paid, expired): its status decides
                remote = mollie.payment_get(payment.mollie_id)
        payment_apply(remote=remote)
    elif payment is not None and payment.status == Payment.Status.CREATED:
        payment_abandon(payment=payment)
    return _withdrawn(subscription, by=by, cancelled_at_mollie=cancelled_at_mollie)


@transaction.atomic
def _withdrawn(subscription: Subscription, *, by, cancelled_at_mollie: bool) -> Subscription:
    subscription = lock_subscription(subscription)
    if subscription.status in Subscription.CHARGED:
        raise BillingError(_("Uw eerste betaling is al binnen: uw abonnement is actief."))
    old = subscription.status
    if subscription.status == Subscription.Status.PENDING:
        # Mollie would not cancel the payment: it stays open there until it expires.
        subscription.status = Subscription.Status.FAILED
        subscription.ended_at = current_time()
    subscription.end_reason = EndReason.WITHDRAWN
    subscription.save(update_fields=["status", "ended_at", "end_reason"])
    record(
        Action.SUBSCRIPTION_CANCELED,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes={
            "status": [old, subscription.status],
            "reason": [None, EndReason.WITHDRAWN],
            "payment_canceled_at_mollie": [None, cancelled_at_mollie],
        },
    )
    return subscription
