"""Keeping Mollie's subscription in step with ours.

Our subscription decides; Mollie's follows: :func:`subscription_push` schedules, stops or
moves the charges at Mollie to match. It runs as a follow-up task after every change that
matters (``followup.push_later``) and from reconciliation, and is safe to run any number of
times (idempotency keys from our own rows; the link rows are written under a lock)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.events import Action
from audit.services import record
from subscriptions import mollie
from subscriptions.enums import System
from subscriptions.models import MollieSubscription, Subscription
from subscriptions.selectors import next_charge_amount, next_charge_plan
from subscriptions.services.base import current_time, lock_subscription, webhook_url


def subscription_push(*, subscription_id: int) -> bool:
    """Make Mollie match our subscription: charges scheduled while it is active and not
    cancelled, none otherwise. Safe to run any number of times. True if it changed
    something at Mollie."""
    subscription = Subscription.objects.select_related("plan", "customer").get(pk=subscription_id)
    remote = subscription.active_remote()
    # Past due (suspended) keeps Mollie's subscription: it may retry, and "pay now" moves it
    # to the new mandate. Only an active one gets a new Mollie subscription.
    wanted = subscription.status in Subscription.CHARGED and not subscription.cancel_at_period_end
    if (
        wanted
        and subscription.status == Subscription.Status.ACTIVE
        and remote is None
        and subscription.mandate_id
        and subscription.customer.mollie_id
    ):
        # The number of Mollie subscriptions so far makes a new key (and description) for
        # each resume, while a retry of the same attempt reuses it.
        count = subscription.remote_subscriptions.count()
        today = timezone.localdate()
        start = max(subscription.current_period_end or today, today)
        created = mollie.subscription_create(
            customer_id=subscription.customer.mollie_id,
            amount=next_charge_amount(subscription=subscription),
            interval=next_charge_plan(subscription=subscription).mollie_interval,
            start_date=start,
            description=f"{next_charge_plan(subscription=subscription).billing_name} #{subscription.pk}-{count}",
            mandate_id=subscription.mandate_id,
            webhook_url=webhook_url(),
            metadata={"subscription": subscription.pk},
            idempotency_key=f"sub-{subscription.pk}-{count}",
        )
        with transaction.atomic():
            locked = lock_subscription(subscription)
            made = not MollieSubscription.objects.filter(mollie_id=created.id).exists()
            if made:  # (a second writer waits for the lock above and then sees the link)
                MollieSubscription.objects.create(
                    mollie_id=created.id, subscription=subscription, mandate_id=subscription.mandate_id
                )
                record(
                    Action.SUBSCRIPTION_SCHEDULED,
                    system=System.MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={"mollie_subscription": [None, created.id], "start_date": [None, start.isoformat()]},
                )
        # The customer may have cancelled meanwhile (the locked row tells): converge once more.
        if locked.status != Subscription.Status.ACTIVE or locked.cancel_at_period_end:
            subscription_push(subscription_id=subscription.pk)
        return True
    if not wanted and remote is not None:
        mollie.subscription_cancel(
            customer_id=subscription.customer.mollie_id,
            subscription_id=remote.mollie_id,
            idempotency_key=f"sub-{subscription.pk}-cancel-{remote.mollie_id}",
        )
        with transaction.atomic():
            lock_subscription(subscription)  # (the lock order: the subscription before its links)
            locked = MollieSubscription.objects.select_for_update().get(pk=remote.pk)
            if locked.canceled_at is None:
                locked.canceled_at = current_time()
                locked.save(update_fields=["canceled_at"])
                record(
                    Action.SUBSCRIPTION_UNSCHEDULED,
                    system=System.MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={"mollie_subscription": [remote.mollie_id, None]},
                )
        subscription_push(subscription_id=subscription.pk)
        return True
    if (
        wanted
        and remote is not None
        and remote.mandate_id
        and subscription.mandate_id
        and remote.mandate_id != subscription.mandate_id
    ):
        # "Pay now" brought a new mandate: Mollie's subscription charges it from now on.
        mollie.subscription_mandate_update(
            customer_id=subscription.customer.mollie_id,
            subscription_id=remote.mollie_id,
            mandate_id=subscription.mandate_id,
            idempotency_key=f"sub-{subscription.pk}-mandate-{subscription.mandate_id}",
        )
        with transaction.atomic():
            lock_subscription(subscription)  # (the lock order: the subscription before its links)
            locked = MollieSubscription.objects.select_for_update().get(pk=remote.pk)
            if locked.mandate_id != subscription.mandate_id:
                record(
                    Action.MANDATE_CHANGED,
                    system=System.MOLLIE,
                    subject_id=subscription.user_id,
                    target=subscription,
                    changes={
                        "mollie_subscription": [None, remote.mollie_id],
                        "mandate_id": [locked.mandate_id, subscription.mandate_id],
                    },
                )
                locked.mandate_id = subscription.mandate_id
                locked.save(update_fields=["mandate_id"])
        return True
    return False
