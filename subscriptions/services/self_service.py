"""Self-service changes that talk to Mollie: a plan change with its pro-rata charge, and a
payment-method change with its verification payment, started by the customer, and the
follow-up that moves Mollie's subscription to the new mandate and revokes the old one.

The rules live in ``plan_change`` and ``payment_method`` (applied by ``payments`` when
Mollie reports); this module makes the calls to Mollie, outside our transactions, with
idempotency keys from our own rows: ``change-<PlanChange pk>`` for the pro-rata charge,
``first-<Payment pk>`` for the verification payment, ``mandate-<MandateChange pk>-revoke``
and ``mandate-<MandateChange pk>-refund``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from subscriptions import mollie
from subscriptions.enums import System
from subscriptions.models import MandateChange, Payment, Plan, PlanChange, Subscription
from subscriptions.services.base import BillingError, current_language, current_time, lock_subscription, webhook_url
from subscriptions.services.checkout import customer_ensure
from subscriptions.services.mollie_sync import subscription_push
from subscriptions.services.payment_method import VERIFICATION_AMOUNT
from subscriptions.services.payments import payment_abandon, payment_apply, payment_sync
from subscriptions.services.plan_change import plan_change_request

logger = logging.getLogger(__name__)


# --- plan change --------------------------------------------------------------------------


def plan_change_start(*, subscription: Subscription, plan: Plan, by, fingerprint: str | None = None) -> PlanChange:
    """The customer confirmed the quote (``fingerprint``, see ``plan_change``) for another
    plan: recorded; for a move at once the charge is made on the mandate at once. Raises
    :class:`BillingError` (nothing changed; ``StaleQuote`` when the confirmed page is out of
    date) or :class:`mollie.MollieUnavailable` (the change stays waiting for its charge;
    :func:`plan_change_charge` is retried by reconciliation with the same key)."""
    change = plan_change_request(subscription=subscription, plan=plan, by=by, fingerprint=fingerprint)
    if change.status == PlanChange.Status.CHARGING:
        plan_change_charge(change=change)
        change.refresh_from_db()
    return change


def plan_change_charge(*, change: PlanChange) -> None:
    """Create the pro-rata charge at Mollie (once: the key comes from the change) and apply
    Mollie's answer. A charge Mollie refuses (e.g. the mandate is no longer valid) closes
    the change as failed; nothing else changes."""
    change = PlanChange.objects.select_related("payment", "subscription__customer", "to_plan", "from_plan").get(
        pk=change.pk
    )
    payment = change.payment
    if change.status != PlanChange.Status.CHARGING or payment is None:
        return
    if payment.mollie_id:
        payment_sync(mollie_id=payment.mollie_id)
        return
    subscription = change.subscription
    try:
        remote = mollie.recurring_payment_create(
            customer_id=subscription.customer.mollie_id,
            mandate_id=subscription.mandate_id,
            amount=payment.amount,
            description=_("%(plan)s: verrekening overstap van %(old)s")
            % {"plan": change.to_plan.billing_name, "old": change.from_plan.name},
            webhook_url=webhook_url(),
            metadata={"payment": payment.pk, "subscription": subscription.pk, "plan_change": change.pk},
            idempotency_key=f"change-{change.pk}",
        )
    except mollie.MollieUnavailable:
        raise
    except mollie.MollieError:
        _charge_refused(payment)
        raise BillingError(
            _("De verrekening kon niet worden afgeschreven. Uw abonnementsvorm is niet gewijzigd.")
        ) from None
    payment_apply(remote=remote)


def _charge_refused(payment: Payment) -> None:
    """Mollie refused the charge (it never existed there): closed as cancelled, which closes
    the change as failed (``plan_change.proration_settled``)."""
    payment_abandon(payment=payment)


# --- payment method change ----------------------------------------------------------------


@transaction.atomic
def payment_method_change_start(*, subscription: Subscription, by) -> Payment:
    """The customer wants to pay with another method: a verification payment (a first
    payment of € 0,01, not yet at Mollie). One at a time: an attempt still open is returned
    instead of a new one (row lock; the database refuses a second open first payment)."""
    subscription = lock_subscription(subscription)
    if subscription.status != Subscription.Status.ACTIVE or not subscription.mandate_id:
        raise BillingError(_("Alleen bij een actief abonnement kunt u de betaalmethode wijzigen."))
    attempts = subscription.payments.filter(sequence_type=Payment.Sequence.FIRST, status__in=Payment.OPEN_STATUSES)
    current = attempts.first()
    if current is not None:
        if current.purpose != Payment.Purpose.MANDATE:
            raise BillingError(_("Er staat al een betaling open voor dit abonnement."))
        return current
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                user=subscription.user,
                subscription=subscription,
                sequence_type=Payment.Sequence.FIRST,
                purpose=Payment.Purpose.MANDATE,
                amount=VERIFICATION_AMOUNT,
            )
    except IntegrityError:  # (only if the lock were bypassed)
        return attempts.get()
    record(
        Action.PAYMENT_METHOD_CHANGE_REQUESTED,
        actor=by,
        subject_id=subscription.user_id,
        target=payment,
        changes={"amount": [None, str(payment.amount)], "purpose": [None, Payment.Purpose.MANDATE]},
    )
    return payment


def verification_checkout(*, payment: Payment) -> str:
    """Create the verification payment at Mollie (once: ``first-<pk>``) and return the URL
    of Mollie's checkout ("" when there is none to go to)."""
    payment = Payment.objects.select_related("subscription__customer", "subscription__plan").get(pk=payment.pk)
    if payment.purpose != Payment.Purpose.MANDATE:
        return ""
    if payment.mollie_id:
        return payment.checkout_url if payment.status == Payment.Status.OPEN else ""
    if payment.status != Payment.Status.CREATED:
        return ""
    subscription = payment.subscription
    remote = mollie.first_payment_create(
        customer_id=customer_ensure(customer=subscription.customer),
        amount=payment.amount,
        description=_("%(plan)s: controle nieuwe betaalmethode (wordt terugbetaald)")
        % {"plan": subscription.plan.billing_name},
        redirect_url=settings.SITE_URL + reverse("subscriptions:payment_return", args=[payment.pk]),
        webhook_url=webhook_url(),
        metadata={"payment": payment.pk, "subscription": subscription.pk},
        idempotency_key=payment.idempotency_key,
        language=subscription.language or current_language(),
    )
    payment_apply(remote=remote)
    payment.refresh_from_db()
    return payment.checkout_url if payment.status == Payment.Status.OPEN else ""


def mandate_change_finish(*, change_id: int) -> bool:
    """After a paid verification payment: Mollie's subscription onto the new mandate
    (``subscription_push`` PATCHes ``mandateId``), then the old mandate revoked, then the
    cent refunded. Each step once (recorded), safe to run again (reconciliation does until
    all are done). The old mandate is revoked only when Mollie's subscription no longer
    uses it: revoking first would make Mollie suspend the subscription. True when done."""
    change = MandateChange.objects.select_related("subscription__customer", "payment").get(pk=change_id)
    subscription = change.subscription
    customer_id = subscription.customer.mollie_id
    if change.old_mandate_id and change.old_revoked_at is None:
        if subscription.status in Subscription.CHARGED:
            subscription_push(subscription_id=subscription.pk)
            link = subscription.active_remote()
            if link is not None and link.mandate_id and link.mandate_id == change.old_mandate_id:
                return False  # not moved yet: try again later
        mollie.mandate_revoke(
            customer_id=customer_id,
            mandate_id=change.old_mandate_id,
            idempotency_key=f"mandate-{change.pk}-revoke",
        )
        with transaction.atomic():
            locked = MandateChange.objects.select_for_update().get(pk=change.pk)
            if locked.old_revoked_at is None:
                locked.old_revoked_at = current_time()
                locked.save(update_fields=["old_revoked_at"])
                record(
                    Action.MANDATE_REVOKED,
                    system=System.MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={"mandate_id": [change.old_mandate_id, None]},
                )
    if change.refunded_at is None:
        payment = change.payment
        if payment.amount_refunded < payment.amount:
            mollie.refund_create(
                payment_id=payment.mollie_id,
                amount=payment.amount - payment.amount_refunded,
                description=_("%(product)s: controlebetaling terug") % {"product": settings.PRODUCT_NAME},
                idempotency_key=f"mandate-{change.pk}-refund",
            )
        with transaction.atomic():
            locked = MandateChange.objects.select_for_update().get(pk=change.pk)
            if locked.refunded_at is None:
                locked.refunded_at = current_time()
                locked.save(update_fields=["refunded_at"])
                record(
                    Action.PAYMENT_REFUNDED,
                    system=System.BILLING,
                    subject_id=subscription.user_id,
                    target=payment,
                    changes={"refund_requested": [None, str(payment.amount)], "reason": [None, "verification"]},
                )
    return True


def self_service_repair() -> dict[str, int]:
    """Reconciliation's step for this module: scheduled plan changes whose date came,
    amounts not yet at Mollie, pro-rata charges whose create answer was lost, mandate
    changes not finished. Errors are logged; the next run tries again."""
    from subscriptions.services.plan_change import plan_change_mollie_update, plan_changes_due

    done = {"applied": plan_changes_due(), "mollie_updated": 0, "charged": 0, "mandates": 0}
    for change in PlanChange.objects.filter(status=PlanChange.Status.CHARGING):
        try:
            plan_change_charge(change=change)
            done["charged"] += 1
        except (mollie.MollieError, BillingError) as exc:
            logger.warning("Plan change %s: charge not made: %s", change.pk, exc)
    for change_id in PlanChange.objects.filter(
        status__in=[PlanChange.Status.APPLIED, PlanChange.Status.SCHEDULED], mollie_updated_at__isnull=True
    ).values_list("pk", flat=True):
        try:
            done["mollie_updated"] += plan_change_mollie_update(change_id=change_id)
        except mollie.MollieError as exc:
            logger.warning("Plan change %s: Mollie not updated: %s", change_id, exc)
    for change_id in PlanChange.objects.filter(
        status=PlanChange.Status.CANCELED, withdrawn_at__isnull=False, mollie_restored_at__isnull=True
    ).values_list("pk", flat=True):
        try:
            done["mollie_updated"] += plan_change_mollie_update(change_id=change_id)
        except mollie.MollieError as exc:
            logger.warning("Withdrawn plan change %s: Mollie not restored: %s", change_id, exc)
    for change_id in MandateChange.objects.filter(refunded_at__isnull=True).values_list("pk", flat=True):
        try:
            done["mandates"] += mandate_change_finish(change_id=change_id)
        except mollie.MollieError as exc:
            logger.warning("Mandate change %s not finished: %s", change_id, exc)
    return done
