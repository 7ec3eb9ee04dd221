"""What every billing service shares: errors, the clock, row locks and small rules.

Imports nothing else from the services package (the bottom of the one-way order:
base → followup → documents → mollie_sync → cancellation → dunning → payments → checkout →
reconciliation)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from subscriptions.models import Payment, Subscription, add_interval, net_from_gross  # noqa: F401  (moved to models, where selectors read them too)


class BillingError(Exception):
    """Something the customer asked cannot be done; the message says why (in Dutch)."""


class AlreadySubscribed(BillingError):
    def __init__(self, subscription: Subscription) -> None:
        super().__init__(_("U heeft al een abonnement of een lopende aanvraag."))
        self.subscription = subscription


def current_time() -> datetime:
    """The clock of every billing service (tests move it with time_machine)."""
    return timezone.now()


def webhook_url() -> str:
    return settings.SITE_URL + "/webhooks/mollie/"


def current_language() -> str:
    """The language of the current request, as one of ours (mails sent later use it)."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def lock_billing(
    *, subscription_id: int | None = None, payment: dict | None = None
) -> tuple[Subscription | None, Payment | None]:
    """Take one customer's billing locks in **the one order** every writer uses
    (docs/billing.md, "Lock order"), each until the transaction ends:

    1. the customer's user row (account closure takes it first, in accounts),
    2. the subscription row (with its plan),
    3. the payment row (``payment``: filters; with the plan, user and profile for the invoice).

    The audit chain's advisory lock (``audit.record``), the Mollie subscription link rows and
    the invoice number come after, inside the work. The rows are found first without a lock
    (to know whose they are), then locked in this order and read again: a filter that no
    longer matches after the wait gives None. Returns (subscription, payment)."""
    if payment is not None:
        found = Payment.objects.filter(**payment).values_list("subscription_id", "subscription__user_id").first()
        if found is None:
            return None, None
        subscription_id, user_id = found
    else:
        user_id = Subscription.objects.filter(pk=subscription_id).values_list("user_id", flat=True).first()
    if user_id is not None:
        list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
    subscription = Subscription.objects.select_for_update().select_related("plan").filter(pk=subscription_id).first()
    if payment is None or subscription is None:
        return subscription, None
    locked = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("user__profile")
        .filter(subscription_id=subscription_id, **payment)
        .first()
    )
    if locked is not None:
        locked.subscription = subscription  # the locked row, shared with the caller
    return subscription, locked


def lock_subscription(subscription: Subscription) -> Subscription:
    """The subscription, row-locked until the transaction ends, with its plan (after its
    customer's user row: :func:`lock_billing`)."""
    locked, _payment = lock_billing(subscription_id=subscription.pk)
    if locked is None:
        raise Subscription.DoesNotExist(subscription.pk)
    return locked


def lock_payment(**filters) -> Payment | None:
    """The payment and its subscription, both row-locked, after the customer's user row
    (:func:`lock_billing`: user, subscription, payment, the order every writer here uses),
    with the plan, the customer's user and profile loaded for the invoice."""
    return lock_billing(payment=filters)[1]
