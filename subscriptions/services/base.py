"""What every billing service shares: errors, the clock, row locks and small rules.

Imports nothing else from the services package (the bottom of the one-way order:
base → followup → documents → mollie_sync → cancellation → dunning → payments → checkout →
reconciliation)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
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


def lock_subscription(subscription: Subscription) -> Subscription:
    """The subscription, row-locked until the transaction ends, with its plan."""
    return Subscription.objects.select_for_update().select_related("plan").get(pk=subscription.pk)


def lock_payment(**filters) -> Payment | None:
    """The payment and its subscription, both row-locked, in one statement (payment, then
    subscription: the order every writer here uses), with the plan, the customer's user and
    profile loaded for the invoice."""
    return (
        Payment.objects.select_for_update(of=("self", "subscription"))
        .select_related("subscription__plan", "user__profile")
        .filter(**filters)
        .first()
    )
