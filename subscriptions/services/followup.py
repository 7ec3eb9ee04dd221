"""Follow-up work (a push to Mollie, a PDF) queued when the transaction that made it
necessary commits: never inside it (a slow Mollie or reportlab never holds our row locks),
and not at all when it rolls back (then there is nothing to follow up). Work whose task is
lost after the commit (a broker outage, a dead worker) is repaired elsewhere: Mollie's state
by reconciliation, a PDF on its first download.

The tasks are named here and queued by name through the project's one on-commit helper
(:func:`core.on_commit.after_commit`), so the services never import the tasks module (the
tasks import the services). ``subscriptions.tasks`` declares its tasks under these names;
the app's ``ready()`` imports it."""

from __future__ import annotations

from core.on_commit import after_commit
from subscriptions.models import CreditNote, Invoice, Subscription

PUSH_SUBSCRIPTION = "subscriptions.tasks.push_subscription"
RENDER_PDF = "subscriptions.tasks.render_pdf"
DELETE_MOLLIE_CUSTOMERS = "subscriptions.tasks.delete_mollie_customers"


def push_later(subscription: Subscription) -> None:
    """Make Mollie's subscription match ours after commit (reconciliation repairs a lost
    push)."""
    after_commit(PUSH_SUBSCRIPTION, subscription.pk)


def pdf_later(document: Invoice | CreditNote) -> None:
    """Render the document's PDF after commit. If the task is lost, the first download
    renders it (same service)."""
    after_commit(RENDER_PDF, document._meta.model_name, document.pk, robust=True)
