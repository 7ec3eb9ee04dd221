"""Every change to plans, subscriptions, payments and invoices, one module per concern.

The modules import in one direction only (each may use the ones before it)::

    base → followup → erasure → documents → mollie_sync → cancellation → dunning → plan_change
    → payment_method → payments → checkout → self_service → reconciliation
    → notifications (invoice and credit-note mail) → closure (closing an account)
    → staff_end (staff end a subscription: the closure's money rule)
    billing_email (the confirmed address for billing mail; uses only the models)

Reads live in ``subscriptions.selectors``; follow-up work (a push to Mollie, a PDF) is
queued after commit by task name (``core.on_commit.after_commit``, billing's names in
``followup``); the tasks import the services, never the reverse. Each use case sends its own
mail (a cancellation mails its confirmation however it is called).

Each function is keyword-only and atomic where it writes, and records its audit event in
the same transaction. Calls to Mollie happen outside our transactions (a slow Mollie never
holds a lock) and always carry an idempotency key derived from our own rows:
``customer-<MollieCustomer pk>``, ``first-<Payment pk>``, ``sub-<Subscription pk>-<n>``.

This package re-exports the public API: import from ``subscriptions.services``.
"""

from __future__ import annotations

from subscriptions import mollie
from subscriptions.enums import EndReason, System
from subscriptions.selectors import (
    BILLING_DETAILS,
    DUNNING_END_DAY,
    DUNNING_REMINDER_DAYS,
    EU_OUTSIDE_NL,
    DunningSchedule,
    billing_details_missing,
    billing_snapshot,
    dunning_schedule,
    vat_treatment,
)
from subscriptions.services.base import AlreadySubscribed, BillingError, add_interval, net_from_gross, webhook_url
from subscriptions.services.cancellation import (
    subscription_cancel_at_period_end,
    subscription_cancel_now,
    subscription_cancel_undo,
    subscriptions_end_due,
)
from subscriptions.services.checkout import (
    arrears_payment_start,
    checkout_withdraw,
    customer_ensure,
    first_payment_checkout,
    subscription_start,
)
from subscriptions.services.documents import (
    PDF_DOCUMENTS,
    PdfIntegrityError,
    UblIntegrityError,
    document_pdf,
    document_ubl,
)
from subscriptions.services.dunning import STALE_FAILURE, DunningReport, dunning_run, past_due_end
from subscriptions.services.erasure import DeletionReport, mollie_customers_delete, mollie_customers_forget
from subscriptions.services.mollie_sync import subscription_push
from subscriptions.services.payment_method import VERIFICATION_AMOUNT
from subscriptions.services.payments import Outcome, payment_apply, payment_refund, payment_sync
from subscriptions.services.plan_change import (
    PlanChangeQuote,
    StaleQuote,
    plan_change_mollie_update,
    plan_change_quote,
    plan_change_withdraw,
    plan_changes_due,
    proration,
)
from subscriptions.services.reconciliation import (
    LOST_CREATE_GIVE_UP,
    LOST_CREATE_GRACE,
    NO_CHARGE_GRACE,
    REFUND_WATCH,
    ReconcileReport,
    reconcile,
)
from subscriptions.services.self_service import (
    mandate_change_finish,
    payment_method_change_start,
    plan_change_charge,
    plan_change_start,
    self_service_repair,
    verification_checkout,
)
from subscriptions.services.staff_end import staff_end_outcome, subscription_end_by_staff

MOLLIE = System.MOLLIE
DUNNING_END_REASON = EndReason.UNPAID

__all__ = [
    "BILLING_DETAILS",
    "DUNNING_END_DAY",
    "DUNNING_END_REASON",
    "DUNNING_REMINDER_DAYS",
    "EU_OUTSIDE_NL",
    "LOST_CREATE_GIVE_UP",
    "LOST_CREATE_GRACE",
    "MOLLIE",
    "NO_CHARGE_GRACE",
    "PDF_DOCUMENTS",
    "REFUND_WATCH",
    "STALE_FAILURE",
    "VERIFICATION_AMOUNT",
    "AlreadySubscribed",
    "BillingError",
    "DunningReport",
    "DeletionReport",
    "DunningSchedule",
    "Outcome",
    "PdfIntegrityError",
    "UblIntegrityError",
    "ReconcileReport",
    "add_interval",
    "arrears_payment_start",
    "billing_details_missing",
    "billing_snapshot",
    "checkout_withdraw",
    "customer_ensure",
    "document_pdf",
    "document_ubl",
    "dunning_run",
    "dunning_schedule",
    "first_payment_checkout",
    "mollie",
    "mollie_customers_delete",
    "mollie_customers_forget",
    "mandate_change_finish",
    "net_from_gross",
    "past_due_end",
    "payment_apply",
    "payment_method_change_start",
    "payment_refund",
    "payment_sync",
    "plan_change_charge",
    "plan_change_mollie_update",
    "plan_change_quote",
    "plan_change_withdraw",
    "PlanChangeQuote",
    "StaleQuote",
    "plan_change_start",
    "plan_changes_due",
    "proration",
    "reconcile",
    "self_service_repair",
    "staff_end_outcome",
    "subscription_cancel_at_period_end",
    "subscription_cancel_now",
    "subscription_cancel_undo",
    "subscription_end_by_staff",
    "subscription_push",
    "subscription_start",
    "subscriptions_end_due",
    "vat_treatment",
    "verification_checkout",
    "webhook_url",
]
