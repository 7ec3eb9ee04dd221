"""Reads of the koppeling's state for the dashboard, the koppeling page and whatever runs
the koppeling. Bounded queries: one for the connection, one for the settings, and the
billing selector's two."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from koppeling.models import Connection, KoppelingSettings
from subscriptions.models import Subscription
from subscriptions.selectors import BillingState, BillingSummary, billing_summary


class KoppelingState(StrEnum):
    NOT_CONNECTED = "not_connected"
    CHOOSING = "choosing"
    ACTIVE = "active"
    PAUSED = "paused"
    NEEDS_RECONNECT = "needs_reconnect"
    PAYMENT_OVERDUE = "payment_overdue"


STATE_LABELS = {
    KoppelingState.NOT_CONNECTED: _("Niet verbonden"),
    KoppelingState.CHOOSING: _("Administratie kiezen"),
    KoppelingState.ACTIVE: _("Actief"),
    KoppelingState.PAUSED: _("Gepauzeerd"),
    KoppelingState.NEEDS_RECONNECT: _("Opnieuw verbinden nodig"),
    KoppelingState.PAYMENT_OVERDUE: _("Betaling achterstallig"),
}


class PauseReason(StrEnum):
    NONE = ""
    CUSTOMER = "customer"  # the customer paused it
    NO_SUBSCRIPTION = "no_subscription"  # never subscribed, or the subscription ended
    ENDED_UNPAID = "ended_unpaid"  # the subscription ended for non-payment


@dataclass(frozen=True)
class KoppelingStatus:
    state: KoppelingState
    connection: Connection | None
    settings: KoppelingSettings | None
    billing: BillingSummary
    pause_reason: PauseReason = PauseReason.NONE

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def editable(self) -> bool:
        """Settings and keys can be changed only with a live subscription."""
        return self.billing.is_live

    @property
    def may_run(self) -> bool:
        """Whether the koppeling may sync now. It keeps running while a failed payment is
        still being collected (the subscription is live); it stops when that ends unpaid."""
        if self.state == KoppelingState.PAYMENT_OVERDUE:
            return not (self.settings is not None and self.settings.paused)
        return self.state == KoppelingState.ACTIVE


# Read with the billing selector's subscription query, so that the common case (a customer
# with a subscription) costs one query for billing and the koppeling together.
_RELATED = ("user__exact_connection", "user__koppeling_settings")


def _connection_and_settings(user, billing: BillingSummary) -> tuple[Connection | None, KoppelingSettings | None]:
    """Both rows: joined to the subscription that ``billing`` read, else in one query (two
    reverse one-to-ones joined to the user row)."""
    subscription = billing.subscription
    if subscription is not None and subscription.user_id == user.pk and Subscription.user.is_cached(subscription):
        row = subscription.user
        model = type(row)
        if model.exact_connection.is_cached(row) and model.koppeling_settings.is_cached(row):
            return _related(row)
    row = get_user_model().objects.filter(pk=user.pk).select_related("exact_connection", "koppeling_settings").first()
    return _related(row)


def _related(row) -> tuple[Connection | None, KoppelingSettings | None]:
    found = []
    for name in ("exact_connection", "koppeling_settings"):
        try:
            found.append(getattr(row, name))
        except (ObjectDoesNotExist, AttributeError):
            found.append(None)
    return found[0], found[1]


def koppeling_status(*, user, billing: BillingSummary | None = None) -> KoppelingStatus:
    """The one place that decides what the koppeling's state is.

    Billing is read, never written: a subscription that ended for non-payment (or never
    existed) shows, and acts, as paused, because whatever runs the koppeling asks
    ``may_run`` first. That is the hook between billing and the koppeling."""
    billing = billing or billing_summary(user=user, related=_RELATED)
    connection, settings = _connection_and_settings(user, billing)

    def status(state: KoppelingState, reason: PauseReason = PauseReason.NONE) -> KoppelingStatus:
        return KoppelingStatus(state, connection, settings, billing, reason)

    if connection is None or connection.state == Connection.State.DISCONNECTED:
        return status(KoppelingState.NOT_CONNECTED)
    if connection.state == Connection.State.NEEDS_RECONNECT:
        return status(KoppelingState.NEEDS_RECONNECT)
    if connection.state == Connection.State.CHOOSING:
        return status(KoppelingState.CHOOSING)
    if billing.state == BillingState.PAST_DUE:
        return status(KoppelingState.PAYMENT_OVERDUE)
    if billing.state == BillingState.ENDED_UNPAID:
        return status(KoppelingState.PAUSED, PauseReason.ENDED_UNPAID)
    if not billing.is_live:
        return status(KoppelingState.PAUSED, PauseReason.NO_SUBSCRIPTION)
    if settings is not None and settings.paused:
        return status(KoppelingState.PAUSED, PauseReason.CUSTOMER)
    return status(KoppelingState.ACTIVE)
