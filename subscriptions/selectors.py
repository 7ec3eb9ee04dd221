"""Reads of billing state for pages outside the billing app (dashboard, beheeromgeving).

Selectors never write and never call Mollie; each is a bounded number of queries whatever
the customer's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from subscriptions.models import Subscription
from subscriptions.services import DUNNING_END_REASON


class BillingState(StrEnum):
    NONE = "none"  # never subscribed, or nothing live
    PENDING = "pending"  # waiting for the first payment
    ACTIVE = "active"
    CANCELING = "canceling"  # active, ends at the end of the paid period
    PAST_DUE = "past_due"  # an automatic charge failed; arrears open
    ENDED_UNPAID = "ended_unpaid"  # the last subscription ended because it was not paid


@dataclass(frozen=True)
class BillingSummary:
    state: BillingState
    subscription: Subscription | None
    plan_name: str = ""
    paid_through: date | None = None
    next_charge_on: date | None = None
    next_charge_amount: Decimal | None = None
    open_amount: Decimal | None = None

    @property
    def is_live(self) -> bool:
        """The customer has a subscription that lets the service run (settings editable)."""
        return self.state in (BillingState.ACTIVE, BillingState.CANCELING, BillingState.PAST_DUE)


def live_subscription(*, user, related: tuple[str, ...] = ()) -> Subscription | None:
    """The customer's pending, active or past-due subscription, if any (one query).
    ``related``: more ``select_related`` paths to read in the same query (e.g. the user's
    one-to-one rows that another selector needs)."""
    return (
        user.subscriptions.filter(status__in=Subscription.LIVE)
        .select_related("plan", *related)
        .order_by("-created_at")
        .first()
    )


def billing_summary(*, user, related: tuple[str, ...] = ()) -> BillingSummary:
    """What the dashboard says about billing: at most two queries (``related`` as for
    :func:`live_subscription`, joined to whichever subscription is read)."""
    subscription = live_subscription(user=user, related=related)
    if subscription is None:
        last = (
            user.subscriptions.filter(status__in=(Subscription.Status.CANCELED, Subscription.Status.ENDED))
            .select_related("plan", *related)
            .order_by("-ended_at", "-created_at")
            .first()
        )
        if last is not None and last.end_reason == DUNNING_END_REASON:
            return BillingSummary(state=BillingState.ENDED_UNPAID, subscription=last, plan_name=last.plan.name)
        return BillingSummary(state=BillingState.NONE, subscription=None)
    common = {
        "subscription": subscription,
        "plan_name": subscription.plan.name,
        "paid_through": subscription.paid_through,
    }
    if subscription.status == Subscription.Status.PENDING:
        return BillingSummary(state=BillingState.PENDING, **common)
    if subscription.status == Subscription.Status.SUSPENDED:
        return BillingSummary(state=BillingState.PAST_DUE, open_amount=subscription.dunning_amount, **common)
    if subscription.cancel_at_period_end:
        return BillingSummary(state=BillingState.CANCELING, **common)
    return BillingSummary(
        state=BillingState.ACTIVE,
        next_charge_on=subscription.current_period_end,
        next_charge_amount=subscription.amount_gross,
        **common,
    )
