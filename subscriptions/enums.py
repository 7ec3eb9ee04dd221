"""Strings with a meaning in billing, named once.

Their values are stored (audit events, ``Subscription.end_reason``): never change a value,
add a member instead.
"""

from __future__ import annotations

from enum import StrEnum


class System(StrEnum):
    """Who did it, when no person did (the audit event's ``system``)."""

    MOLLIE = "Mollie"  # what Mollie told us (webhook, return page, reconciliation)
    BILLING = "billing"  # our own jobs (dunning, the end of cancelled periods, PDFs)


class PastDueCause(StrEnum):
    """Why a subscription became past due (the ``cause`` of ``subscription.past_due``)."""

    FAILED = "failed"  # an automatic charge failed, expired or was cancelled
    CHARGEBACK = "chargeback"  # a paid charge was taken back
    MANDATE = "mandate"  # Mollie stopped charging (mandate revoked, subscription stopped)


class DunningStep(StrEnum):
    """What one run of the dunning job did for one past-due subscription."""

    NOTHING = ""  # nothing due (or settled meanwhile)
    REMINDED = "reminded"
    ENDED = "ended"
    WAITING = "waiting"  # the customer is paying right now: the next run decides


class EndReason(StrEnum):
    """Why a subscription was ended at once (``Subscription.end_reason``; staff may also
    write a reason of their own)."""

    UNPAID = "unpaid (dunning)"
    ACCOUNT_CLOSED = "account closed"
    STAFF = "staff"
    WITHDRAWN = "withdrawn before the first payment"
